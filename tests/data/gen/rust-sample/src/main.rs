//! hoist init's Rust sample: prints a greeting.
fn main() {
    println!("hello from the rust sample");
}
