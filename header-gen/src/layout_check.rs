//! Checks the record layouts of the model against the C compiler: a C
//! file of `_Static_assert`s on `sizeof`, `_Alignof` and `offsetof` for
//! every record of `petrel.h` must compile. Go and .NET lay records out
//! from these numbers, so they must be the compiler's.

#[cfg(test)]
mod tests {
    use crate::ir::Api;
    use std::fmt::Write;
    use std::path::PathBuf;
    use std::process::Command;

    /// The `_Static_assert`s for every record and enum of `api`.
    fn assertions(api: &Api) -> String {
        let mut s = String::from(
            "#include <stddef.h>\n#include \"petrel.h\"\n\
             _Static_assert(sizeof(void *) == 8, \"LP64\");\n",
        );
        for r in &api.records {
            let n = &r.name;
            let _ = writeln!(
                s,
                "_Static_assert(sizeof({n}) == {}, \"size of {n}\");",
                r.size
            );
            let _ = writeln!(
                s,
                "_Static_assert(_Alignof({n}) == {}, \"alignment of {n}\");",
                r.align
            );
            for f in &r.fields {
                let _ = writeln!(
                    s,
                    "_Static_assert(offsetof({n}, {0}) == {1}, \"offset of {n}.{0}\");",
                    f.name, f.offset
                );
            }
        }
        for e in &api.enums {
            let _ = writeln!(
                s,
                "_Static_assert(sizeof({}) == sizeof({}), \"repr of {}\");",
                e.c_name, e.repr_c, e.c_name
            );
            for m in &e.members {
                let _ = writeln!(
                    s,
                    "_Static_assert({} == {}, \"value of {}\");",
                    m.constant, m.value, m.constant
                );
            }
        }
        s
    }

    #[test]
    #[cfg_attr(miri, ignore = "runs the C compiler as a child process")]
    fn record_layouts_match_the_c_compiler() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .unwrap()
            .to_path_buf();
        let include = root.join("capi/include");
        let text = std::fs::read_to_string(include.join("petrel.h")).unwrap();
        let api = crate::model::resolve(&crate::parse::parse(&text).unwrap()).unwrap();
        assert!(api.records.len() > 10, "the header's records were read");
        let dir = std::env::temp_dir().join(format!("petrel-layout-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let src = dir.join("layout.c");
        std::fs::write(&src, assertions(&api)).unwrap();
        let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_string());
        let out = Command::new(cc)
            .args(["-std=c11", "-fsyntax-only", "-I"])
            .arg(&include)
            .arg(&src)
            .output()
            .expect("a C compiler (cc) is installed");
        let _ = std::fs::remove_dir_all(&dir);
        assert!(
            out.status.success(),
            "the model's layouts differ from the C compiler's:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    #[test]
    #[cfg_attr(miri, ignore = "runs the C compiler as a child process")]
    fn a_wrong_offset_is_caught() {
        // The check itself must be able to fail: a deliberately wrong
        // layout is rejected by the compiler.
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .unwrap()
            .to_path_buf();
        let include = root.join("capi/include");
        let text = std::fs::read_to_string(include.join("petrel.h")).unwrap();
        let mut api = crate::model::resolve(&crate::parse::parse(&text).unwrap()).unwrap();
        let frame = api
            .records
            .iter_mut()
            .find(|r| r.name == "petrel_frame_t")
            .unwrap();
        frame.fields[1].offset += 1;
        let dir = std::env::temp_dir().join(format!("petrel-layout-bad-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let src = dir.join("layout.c");
        std::fs::write(&src, assertions(&api)).unwrap();
        let out = Command::new("cc")
            .args(["-std=c11", "-fsyntax-only", "-I"])
            .arg(&include)
            .arg(&src)
            .output()
            .unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        assert!(!out.status.success());
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("offset of petrel_frame_t.func_name")
        );
    }
}
