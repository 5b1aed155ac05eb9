//! `oort-gen reduce` end to end, against a stand-in `oort` whose `-O1` engine disagrees
//! whenever the program contains `print "boom";`.

#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

#[test]
fn reduce_keeps_only_what_makes_the_engines_disagree() {
    let dir = std::env::temp_dir().join(format!("oort-gen-reduce-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // The stand-in: every engine prints 1, except -O1 on a program containing the line.
    let fake = dir.join("oort");
    std::fs::write(
        &fake,
        "#!/bin/sh\nfor a; do f=$a; done\nif [ \"$4\" = -O1 ] && grep -q 'print \"boom\";' \"$f\"; then echo 2; else echo 1; fi\n",
    )
    .unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();

    // A generated program with the line buried in nested blocks.
    let mut program = oort_gen::generate(3, 40);
    let at = program.find("\n    ").expect("an indented line") + 1;
    program.insert_str(at, "    if (true) {\n        while (false) {\n            print \"boom\";\n        }\n    }\n");
    let file = dir.join("bad.oort");
    std::fs::write(&file, &program).unwrap();

    let small = dir.join("small.oort");
    let out = Command::new(env!("CARGO_BIN_EXE_oort-gen"))
        .args(["reduce", "--oort"])
        .arg(&fake)
        .arg(&file)
        .arg("-o")
        .arg(&small)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read_to_string(&small).unwrap().trim(), "print \"boom\";");

    // A program on which the engines agree has nothing to reduce: a usage error.
    std::fs::write(&file, "print 1;\n").unwrap();
    let out =
        Command::new(env!("CARGO_BIN_EXE_oort-gen")).args(["reduce", "--oort"]).arg(&fake).arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("the engines agree"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
