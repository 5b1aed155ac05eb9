//! Runs every `tests/programs/**/*.oort` through the `oort` command line and compares
//! exit status, stdout and stderr with its `.expected` file.

use std::path::Path;

fn program(path: &Path, source: String) -> datatest_stable::Result<()> {
    let actual = oort_tests::run_case(path, &source);
    oort_tests::check_annotations(&source, &actual)?;
    oort_tests::check_expected(path, &actual).map_err(Into::into)
}

datatest_stable::harness! {
    { test = program, root = "programs", pattern = r"\.oort$" },
}
