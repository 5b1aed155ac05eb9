//! Every diagnostic code has an explanation (`crates/oort-syntax/explain/<CODE>.md`,
//! printed by `oort explain`): a paragraph, then an example program in an ```` ```oort ````
//! block that produces exactly that code, optionally followed by the corrected program in
//! an ```` ```oort-fixed ```` block, which compiles cleanly.

use oort_cli::{compile, default_pipeline, registry};
use oort_syntax::{Code, SourceFile};

/// Codes whose examples may not produce them yet, because the pass that reports them is
/// not in the default pipeline yet; for these the test only checks that the example
/// produces no *other* diagnostic. Remove a code from here when its pass lands. The flow
/// checks of LANGUAGE.md §9 (E0301–E0304, W0001, W0002) were listed while they were
/// being written; they are in the pipeline now, and their examples are checked like all
/// others.
const NOT_IMPLEMENTED_YET: &[Code] = &[];

/// Codes whose example is only a sketch that cannot be checked (see also
/// [`generated_example`], for sketches the test can expand). None now: the function of
/// E0401 (33,000 statements) took a gigabyte of compiler memory in a debug build while the
/// code generator's liveness sets grew with registers × instructions.
const EXAMPLE_IS_A_SKETCH: &[Code] = &[];

/// Codes that by nature follow other errors: their example must produce them, and may
/// produce other codes too.
const COMES_AFTER_OTHERS: &[Code] = &[Code::TooManyErrors];

/// The program a code's example stands for, when the example itself only sketches it
/// (a program nested 1001 levels deep is not something to read).
fn generated_example(code: Code) -> Option<String> {
    match code {
        Code::NestingTooDeep => Some(format!("print {}1{};\n", "(".repeat(1001), ")".repeat(1001))),
        Code::TooManyErrors => Some("print );\n".repeat(10_001)),
        Code::ProgramTooLarge => {
            let body: String = (0..33_000).map(|i| format!("    print {i};\n")).collect();
            Some(format!("f () {{\n{body}}}\nf ();\n"))
        }
        Code::ClassTooDeep => {
            let mut s = String::from("class C0 { x: int32; }\n");
            for i in 1..=101 {
                s.push_str(&format!("class C{i} : C{} {{ }}\n", i - 1));
            }
            Some(s)
        }
        _ => None,
    }
}

/// The parts of an explanation.
struct Explanation {
    paragraph: String,
    example: Option<String>,
    fixed: Option<String>,
}

/// Splits an explanation into its first paragraph and its fenced code blocks.
fn parse(text: &str) -> Result<Explanation, String> {
    let mut paragraph = String::new();
    let mut example = None;
    let mut fixed = None;
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if let Some(tag) = line.strip_prefix("```") {
            let mut body = String::new();
            for l in lines.by_ref() {
                if l.starts_with("```") {
                    break;
                }
                body.push_str(l);
                body.push('\n');
            }
            let slot = match tag.trim() {
                "oort" => &mut example,
                "oort-fixed" => &mut fixed,
                other => return Err(format!("unexpected code block ```{other}")),
            };
            if slot.replace(body).is_some() {
                return Err(format!("more than one ```{} block", tag.trim()));
            }
        } else if example.is_none() && fixed.is_none() && paragraph.is_empty() {
            paragraph = line.trim().to_string();
        }
    }
    Ok(Explanation { paragraph, example, fixed })
}

/// The codes of every diagnostic of `source`, and its rendered diagnostics.
fn codes_of(code: Code, kind: &str, source: &str) -> (Vec<Code>, String) {
    let reg = registry();
    let pipeline = default_pipeline(&reg);
    let name = format!("{}-{kind}.oort", code.id());
    let compiled = compile(SourceFile::new(name, source.to_string()), &pipeline, None);
    let rendered = oort_cli::render::diagnostics(&compiled.unit.file, &compiled.unit.diags, false);
    (compiled.unit.diags.iter().map(|d| d.code).collect(), rendered)
}

#[test]
fn every_code_is_explained_with_an_example_that_produces_it() {
    let mut failures = Vec::new();
    for &code in Code::ALL {
        let id = code.id();
        let e = match parse(code.explanation()) {
            Ok(e) => e,
            Err(msg) => {
                failures.push(format!("{id}: {msg}"));
                continue;
            }
        };
        if e.paragraph.is_empty() || e.paragraph.starts_with("```") || e.paragraph == "TODO" {
            failures.push(format!("{id}: the explanation must start with a paragraph"));
        }
        let Some(example) = e.example else {
            failures.push(format!("{id}: no ```oort example"));
            continue;
        };
        if let Some(fixed) = &e.fixed {
            let (codes, rendered) = codes_of(code, "fixed", fixed);
            if !codes.is_empty() {
                failures.push(format!("{id}: the ```oort-fixed program is not clean:\n{rendered}"));
            }
        }
        if EXAMPLE_IS_A_SKETCH.contains(&code) {
            continue;
        }
        let example = generated_example(code).unwrap_or(example);
        let (codes, rendered) = codes_of(code, "example", &example);
        if codes.iter().any(|&c| c != code) && !COMES_AFTER_OTHERS.contains(&code) {
            failures.push(format!("{id}: the example must produce {id} and nothing else; it produces:\n{rendered}"));
        } else if !codes.contains(&code) && !NOT_IMPLEMENTED_YET.contains(&code) {
            failures.push(format!("{id}: the example does not produce {id}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The skip lists name only codes that exist, and are disjoint.
#[test]
fn skip_lists_are_sane() {
    for c in NOT_IMPLEMENTED_YET {
        assert!(!EXAMPLE_IS_A_SKETCH.contains(c));
    }
}
