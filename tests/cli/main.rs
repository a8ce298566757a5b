//! End-to-end tests of the narrate binary.
