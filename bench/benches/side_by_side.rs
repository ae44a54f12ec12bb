//! flink-rs side by side with a bare hyper-util client, and curl: see
//! `flink_bench::side_by_side`. Run it with `cargo xtask bench`.

fn main() {
    flink_bench::side_by_side::main();
}
