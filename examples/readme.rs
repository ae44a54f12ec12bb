//! The root README's Rust snippets, compiled as doctests of this crate (`cargo test --doc`).
//!
//! They live here rather than in a published crate because the README is outside every
//! package: a published crate that includes it fails `cargo test --doc` once unpacked.

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
