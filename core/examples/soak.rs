//! Soak: creates, instantiates, calls and drops `N` stores (each also
//! runs one trapping call) and prints resident memory at intervals; exits
//! with status 1 when resident memory after `N` cycles exceeds its value
//! after `N / 10` by more than the allowed growth.
//!
//! `cargo run --release -p petrel --example soak -- [CYCLES] [MAX_GROWTH_PERCENT]`
//! (defaults: 100000 and 5). `soak/run.sh` runs it with the C and Python
//! versions.

use petrel::{Engine, Instance, Module, Store, Trap};

/// Resident memory in KiB (Linux: `/proc/self/status`, `VmRSS`).
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/self/status")
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let cycles: u64 = args.next().map_or(Ok(100_000), |a| a.parse())?;
    let max_growth: f64 = args.next().map_or(Ok(5.0), |a| a.parse())?;
    let tenth = (cycles / 10).max(1);
    let wat = concat!(env!("CARGO_MANIFEST_DIR"), "/../soak/soak.wat");
    let engine = Engine::default();
    let module = Module::from_file(&engine, wat)?;
    let mut baseline = 0;
    for i in 1..=cycles {
        let mut store = Store::new(&engine, ());
        let instance = Instance::new(&mut store, &module, &[])?;
        let add = instance.get_typed_func::<(i32, i32), i32>(&mut store, "add")?;
        assert_eq!(add.call(&mut store, (i as i32, 1))?, i as i32 + 1);
        let trap = instance.get_typed_func::<(), i32>(&mut store, "trap")?;
        let err = trap.call(&mut store, ()).unwrap_err();
        assert!(
            err.downcast_ref::<Trap>().is_some(),
            "expected a trap: {err:#}"
        );
        drop(store);
        if i % tenth == 0 {
            let rss = rss_kib();
            println!("rust: {i} cycles, rss {rss} KiB");
            if i == tenth {
                baseline = rss;
            }
        }
    }
    let end = rss_kib();
    let growth = (end as f64 - baseline as f64) * 100.0 / baseline as f64;
    println!(
        "rust: rss after {cycles} cycles {end} KiB, after {tenth} {baseline} KiB: {growth:+.2}%"
    );
    if growth > max_growth {
        eprintln!("rust: resident memory grew by {growth:.2}% (allowed {max_growth}%)");
        std::process::exit(1);
    }
    Ok(())
}
