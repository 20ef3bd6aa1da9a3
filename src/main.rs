//! The `detsim` command line.

fn main() {
    println!("detsim: nothing here yet");
}
