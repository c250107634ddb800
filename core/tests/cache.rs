//! The compilation cache: hits across engines, authentication of entries
//! (tampered, truncated, foreign, misplaced entries are recompiled), and
//! the permission checks on its directory and key file.

use petrel::*;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

const WAT: &str = r#"(module (func (export "add") (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.add))"#;

/// A fresh directory holding `cache/` and `key`.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("petrel-cache-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    dir
}

fn cached_engine(dir: &Path) -> Result<Engine> {
    let mut config = Config::new();
    config.cache(Some(CacheConfig::new(dir.join("cache"), dir.join("key"))));
    Engine::new(&config)
}

fn add(engine: &Engine, module: &Module) -> i32 {
    let mut store = Store::new(engine, ());
    let instance = Instance::new(&mut store, module, &[]).unwrap();
    let f = instance
        .get_typed_func::<(i32, i32), i32>(&mut store, "add")
        .unwrap();
    f.call(&mut store, (2, 3)).unwrap()
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir.join("cache"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

fn stats(engine: &Engine) -> CacheStatistics {
    engine.cache_statistics().unwrap()
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn a_second_engine_loads_what_the_first_compiled() {
    let dir = scratch("hit");
    let first = cached_engine(&dir).unwrap();
    let m = Module::new(&first, WAT).unwrap();
    assert_eq!(add(&first, &m), 5);
    assert_eq!(stats(&first).misses, 1);
    assert_eq!(entries(&dir).len(), 1);
    let key_mode = std::fs::metadata(dir.join("key"))
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(key_mode, 0o600);
    let dir_mode = std::fs::metadata(dir.join("cache"))
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(dir_mode, 0o700);

    let second = cached_engine(&dir).unwrap();
    let m = Module::new(&second, WAT).unwrap();
    assert_eq!(add(&second, &m), 5);
    assert_eq!(
        stats(&second),
        CacheStatistics {
            hits: 1,
            ..Default::default()
        }
    );
    // Without a cache there are no statistics.
    assert!(Engine::default().cache_statistics().is_none());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
#[cfg_attr(miri, ignore = "runs compiled wasm code")]
fn bad_entries_are_refused_and_recompiled() {
    let dir = scratch("bad");
    let engine = cached_engine(&dir).unwrap();
    Module::new(&engine, WAT).unwrap();
    let entry = entries(&dir).remove(0);
    let genuine = std::fs::read(&entry).unwrap();
    let mut tampered = genuine.clone();
    let mid = tampered.len() / 2;
    tampered[mid] ^= 1;
    let serialized = Module::new(&engine, WAT).unwrap().serialize().unwrap();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("tampered", tampered),
        ("truncated", genuine[..genuine.len() / 2].to_vec()),
        ("empty", Vec::new()),
        (
            "random",
            (0..genuine.len()).map(|i| (i * 31 % 251) as u8).collect(),
        ),
        // A genuine artifact, but a serialized module, not a cache entry.
        ("another kind", serialized),
    ];
    for (what, bytes) in cases {
        std::fs::write(&entry, &bytes).unwrap();
        let fresh = cached_engine(&dir).unwrap();
        let m = Module::new(&fresh, WAT).unwrap();
        assert_eq!(add(&fresh, &m), 5, "{what}");
        assert_eq!(
            stats(&fresh),
            CacheStatistics {
                rejected: 1,
                ..Default::default()
            },
            "{what}"
        );
        // The entry was replaced by a good one.
        let again = cached_engine(&dir).unwrap();
        Module::new(&again, WAT).unwrap();
        assert_eq!(stats(&again).hits, 1, "{what}");
    }

    // Another module's genuine entry renamed to this module's name.
    let other = r#"(module (func (export "add") (param i32 i32) (result i32)
        local.get 0 local.get 1 i32.sub))"#;
    Module::new(&engine, other).unwrap();
    let both = entries(&dir);
    assert_eq!(both.len(), 2);
    let other_entry = both.iter().find(|p| **p != entry).unwrap();
    std::fs::copy(other_entry, &entry).unwrap();
    let fresh = cached_engine(&dir).unwrap();
    let m = Module::new(&fresh, WAT).unwrap();
    assert_eq!(add(&fresh, &m), 5, "a relabelled entry must not load");
    assert_eq!(stats(&fresh).rejected, 1);

    // Entries sealed with another key (a foreign cache) are refused.
    std::fs::remove_file(dir.join("key")).unwrap();
    let foreign = cached_engine(&dir).unwrap();
    Module::new(&foreign, WAT).unwrap();
    assert_eq!(stats(&foreign).rejected, 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
#[cfg_attr(
    miri,
    ignore = "Miri's emulated geteuid (1000) does not own the files the test creates"
)]
fn unsafe_permissions_are_refused() {
    let dir = scratch("perm");
    cached_engine(&dir).unwrap();
    std::fs::set_permissions(dir.join("cache"), std::fs::Permissions::from_mode(0o777)).unwrap();
    let err = cached_engine(&dir).unwrap_err();
    assert!(
        format!("{err:#}").contains("writable by other users"),
        "{err:#}"
    );
    std::fs::set_permissions(dir.join("cache"), std::fs::Permissions::from_mode(0o700)).unwrap();
    std::fs::set_permissions(dir.join("key"), std::fs::Permissions::from_mode(0o644)).unwrap();
    let err = cached_engine(&dir).unwrap_err();
    assert!(format!("{err:#}").contains("other users"), "{err:#}");
    std::fs::set_permissions(dir.join("key"), std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::write(dir.join("key"), "not a key").unwrap();
    let err = cached_engine(&dir).unwrap_err();
    assert!(format!("{err:#}").contains("holds no key"), "{err:#}");
    // The key may not live inside the cache directory.
    let mut config = Config::new();
    config.cache(Some(CacheConfig::new(
        dir.join("cache"),
        dir.join("cache/key"),
    )));
    let err = Engine::new(&config).unwrap_err();
    assert!(
        format!("{err:#}").contains("inside the cache directory"),
        "{err:#}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
