//! A long deterministic run of one fuzz target without libFuzzer:
//! `cargo run --release -p petrel-fuzzing --example long_run -- TARGET CASES [SEED]`
//! (TARGET: differential, compile_valid, bad_bytes, api_sequence or
//! operands) prints
//! the target's counts and the time taken every tenth of the run.

fn main() {
    let mut args = std::env::args().skip(1);
    let target = args.next().expect("TARGET");
    let cases: usize = args.next().map_or(100_000, |a| a.parse().expect("CASES"));
    let seed: u64 = args.next().map_or(1, |a| a.parse().expect("SEED"));
    let start = std::time::Instant::now();
    let step = (cases / 10).max(1);
    let mut done = 0;
    while done < cases {
        let n = step.min(cases - done);
        let seed = seed.wrapping_add(done as u64);
        let counts = match target.as_str() {
            "differential" => format!("{:?}", petrel_fuzzing::differential::smoke(seed, n)),
            "compile_valid" => format!("{:?}", petrel_fuzzing::compile_valid::smoke(seed, n)),
            "bad_bytes" => format!("{:?}", petrel_fuzzing::bad_bytes::smoke(seed, n)),
            "api_sequence" => format!("{:?}", petrel_fuzzing::api_sequence::smoke(seed, n)),
            "operands" => format!("{:?}", petrel_fuzzing::operands::smoke(seed, n)),
            other => panic!("unknown target {other}"),
        };
        done += n;
        println!(
            "{target}: {done} cases in {:.1} s: {counts}",
            start.elapsed().as_secs_f64()
        );
    }
}
