//! Probe and sample tests.
