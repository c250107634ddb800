//! A long deterministic run of the differential target without libFuzzer:
//! `cargo run --release -p petrel-fuzzing --example differential -- CASES [SEED]`
//! prints the counts of modules generated, instantiated and functions
//! called, and the time taken (libFuzzer's own run is `fuzz/README.md`).

fn main() {
    let mut args = std::env::args().skip(1);
    let cases: usize = args.next().map_or(100_000, |a| a.parse().expect("CASES"));
    let seed: u64 = args.next().map_or(1, |a| a.parse().expect("SEED"));
    let start = std::time::Instant::now();
    let step = (cases / 10).max(1);
    let mut done = 0;
    while done < cases {
        let n = step.min(cases - done);
        let counts = petrel_fuzzing::differential::smoke(seed.wrapping_add(done as u64), n);
        done += n;
        println!(
            "{done} cases in {:.1} s: {counts:?}",
            start.elapsed().as_secs_f64()
        );
    }
}
