//! Audio building blocks that work on whole sample buffers.
//!
//! Each module is a pure function over `f32` samples in [-1, 1] so that the render pipeline
//! can compose them (normalize, resample, encode) without any of them doing file I/O.

pub mod loudness;
pub mod mp3;
pub mod resample;
