//! A test-case reducer: shrinks a program while a property of it still holds.
//!
//! It works on lines and on the blocks they open, the way the generator writes programs
//! (and the way people write Oort): a line ending in `{` opens a block that runs to the
//! line closing it. Passes, repeated until none makes progress:
//!
//! 1. delete runs of sibling statements, halving the run length (delta debugging),
//!    outermost blocks first;
//! 2. unwrap a block: keep its body, drop its header and closing line (`if (c) { … }`
//!    becomes `…`);
//! 3. simplify a line: drop its `else` part, replace a `print` argument or an
//!    initializer by a literal of the same shape.
//!
//! A candidate is kept when `interesting` says the property still holds; the property
//! decides what matters (the same engines disagreeing, not a compile error instead), so
//! the reducer knows nothing of Oort's semantics.

/// The statements of a program: each a range of lines, with the statements inside it
/// when it opens a block.
#[derive(Debug)]
struct Node {
    start: usize,
    /// One past the node's last line.
    end: usize,
    children: Vec<Node>,
}

fn opens(line: &str) -> bool {
    line.trim_end().ends_with('{')
}

fn closes(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with('}')
}

/// Parses `lines[from..]` into sibling nodes until a closing line (or the end).
fn parse(lines: &[&str], mut i: usize) -> (Vec<Node>, usize) {
    let mut out = Vec::new();
    while i < lines.len() {
        if closes(lines[i]) {
            return (out, i);
        }
        let start = i;
        if opens(lines[i]) {
            let mut children = Vec::new();
            i += 1;
            loop {
                let (mut kids, j) = parse(lines, i);
                children.append(&mut kids);
                i = j;
                // `} else {` and `} while (c) {`-like lines close and open again.
                if i < lines.len() && opens(lines[i]) {
                    i += 1;
                    continue;
                }
                break;
            }
            i = (i + 1).min(lines.len());
            out.push(Node { start, end: i, children });
        } else {
            i += 1;
            out.push(Node { start, end: i, children: Vec::new() });
        }
    }
    (out, i)
}

/// Every list of siblings in the tree, outermost first.
fn sibling_lists(nodes: &[Node], out: &mut Vec<Vec<(usize, usize)>>) {
    out.push(nodes.iter().map(|n| (n.start, n.end)).collect());
    for n in nodes {
        if !n.children.is_empty() {
            sibling_lists(&n.children, out);
        }
    }
}

fn blocks(nodes: &[Node], out: &mut Vec<(usize, usize)>) {
    for n in nodes {
        if n.end - n.start >= 2 && opens_at(n) {
            out.push((n.start, n.end));
        }
        blocks(&n.children, out);
    }
}

fn opens_at(n: &Node) -> bool {
    !n.children.is_empty() || n.end - n.start == 2
}

struct Reducer<'a> {
    lines: Vec<String>,
    interesting: &'a mut dyn FnMut(&str) -> bool,
    tests: usize,
}

impl Reducer<'_> {
    fn text(lines: &[String]) -> String {
        let mut s = lines.join("\n");
        s.push('\n');
        s
    }

    /// Keeps `candidate` if it is still interesting.
    fn try_lines(&mut self, candidate: Vec<String>) -> bool {
        if candidate == self.lines {
            return false;
        }
        self.tests += 1;
        if (self.interesting)(&Self::text(&candidate)) {
            self.lines = candidate;
            true
        } else {
            false
        }
    }

    fn tree(&self) -> Vec<Node> {
        let refs: Vec<&str> = self.lines.iter().map(String::as_str).collect();
        parse(&refs, 0).0
    }

    /// Pass 1: delete runs of siblings. Returns whether anything was deleted.
    fn delete_runs(&mut self) -> bool {
        let mut progress = false;
        let mut list = 0;
        loop {
            let mut lists = Vec::new();
            sibling_lists(&self.tree(), &mut lists);
            let Some(siblings) = lists.get(list).cloned() else { break };
            let mut current = siblings;
            let mut chunk = current.len().max(1);
            let mut deleted_here = false;
            loop {
                let mut i = 0;
                while i < current.len() {
                    let j = (i + chunk).min(current.len());
                    let (from, to) = (current[i].0, current[j - 1].1);
                    let mut cand = self.lines.clone();
                    cand.drain(from..to);
                    if self.try_lines(cand) {
                        progress = true;
                        deleted_here = true;
                        // Later siblings move up by what was deleted.
                        let removed = to - from;
                        current.drain(i..j);
                        for s in current.iter_mut().skip(i) {
                            s.0 -= removed;
                            s.1 -= removed;
                        }
                    } else {
                        i = j;
                    }
                }
                if chunk == 1 {
                    break;
                }
                chunk /= 2;
            }
            if !deleted_here {
                list += 1;
            }
        }
        progress
    }

    /// Pass 2: replace blocks by their bodies.
    fn unwrap_blocks(&mut self) -> bool {
        let mut progress = false;
        let mut k = 0;
        loop {
            let mut bs = Vec::new();
            blocks(&self.tree(), &mut bs);
            let Some(&(start, end)) = bs.get(k) else { break };
            let mut cand = self.lines.clone();
            // Drop the header and the closing line, and any `} else {` in between.
            let inner: Vec<String> =
                cand[start + 1..end - 1].iter().filter(|l| !(closes(l) && opens(l))).cloned().collect();
            cand.splice(start..end, inner);
            if self.try_lines(cand) {
                progress = true;
            } else {
                k += 1;
            }
        }
        progress
    }

    /// Pass 3: simpler lines.
    fn simplify_lines(&mut self) -> bool {
        let mut progress = false;
        for i in 0..self.lines.len() {
            if i >= self.lines.len() {
                break;
            }
            for cand_line in simpler(&self.lines[i]) {
                let mut cand = self.lines.clone();
                cand[i] = cand_line;
                if self.try_lines(cand) {
                    progress = true;
                    break;
                }
            }
        }
        progress
    }
}

/// Simpler versions of one line, most aggressive first.
fn simpler(line: &str) -> Vec<String> {
    let indent = &line[..line.len() - line.trim_start().len()];
    let t = line.trim();
    let mut out = Vec::new();
    if let Some(arg) = t.strip_prefix("print ").and_then(|r| r.strip_suffix(';'))
        && arg.len() > 1
    {
        for lit in ["0", "\"\"", "true", "0.0"] {
            out.push(format!("{indent}print {lit};"));
        }
        // Keep the first operand of a binary expression.
        if let Some(inner) = arg.strip_prefix('(').and_then(|a| a.strip_suffix(')'))
            && let Some((first, _)) = split_top(inner)
        {
            out.push(format!("{indent}print {first};"));
        }
    }
    if let Some((lhs, rhs)) = t.split_once(" = ")
        && let Some(rhs) = rhs.strip_suffix(';')
        && rhs.len() > 3
    {
        for lit in ["0", "\"\"", "true", "0.0", "1"] {
            out.push(format!("{indent}{lhs} = {lit};"));
        }
    }
    out
}

/// Splits `a OP b` at its first top-level space-delimited operator.
fn split_top(s: &str) -> Option<(&str, &str)> {
    let mut depth = 0i32;
    let mut in_str = false;
    let bytes = s.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'"' if i == 0 || bytes[i - 1] != b'\\' => in_str = !in_str,
            b'(' | b'[' if !in_str => depth += 1,
            b')' | b']' if !in_str => depth -= 1,
            b' ' if !in_str && depth == 0 && i > 0 => {
                let rest = &s[i + 1..];
                if let Some(sp) = rest.find(' ') {
                    let op = &rest[..sp];
                    if !op.is_empty() && op.bytes().all(|c| b"+-*/%&|^<>=!".contains(&c)) {
                        return Some((&s[..i], &rest[sp + 1..]));
                    }
                }
            }
            _ => {}
        }
    }
    None
}

/// The result of a reduction.
pub struct Reduced {
    pub source: String,
    /// How many candidates were tried.
    pub tests: usize,
}

/// Shrinks `source` while `interesting` holds for it (it must hold for `source` itself).
pub fn reduce(source: &str, interesting: &mut dyn FnMut(&str) -> bool) -> Reduced {
    let mut r = Reducer { lines: source.lines().map(String::from).collect(), interesting, tests: 0 };
    loop {
        let a = r.delete_runs();
        let b = r.unwrap_blocks();
        let c = r.simplify_lines();
        if !(a || b || c) {
            break;
        }
    }
    Reduced { source: Reducer::text(&r.lines), tests: r.tests }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_blocks_with_else() {
        let src = "a;\nif (x) {\n  b;\n} else {\n  c;\n}\nd;";
        let lines: Vec<&str> = src.lines().collect();
        let (nodes, _) = parse(&lines, 0);
        let spans: Vec<(usize, usize)> = nodes.iter().map(|n| (n.start, n.end)).collect();
        assert_eq!(spans, vec![(0, 1), (1, 6), (6, 7)]);
        assert_eq!(nodes[1].children.len(), 2);
    }

    #[test]
    fn reduces_to_the_interesting_line() {
        // Interesting: the program still contains `boom` and still parses as balanced.
        let src = "x := 1;\nif (a) {\n  y := 2;\n  while (b) {\n    boom;\n    z;\n  }\n}\nprint x;\n";
        let mut check = |s: &str| s.contains("boom") && s.matches('{').count() == s.matches('}').count();
        let r = reduce(src, &mut check);
        assert_eq!(r.source, "    boom;\n");
    }

    #[test]
    fn splits_binary_expressions_at_the_top() {
        assert_eq!(split_top("(a + b) * c"), Some(("(a + b)", "c")));
        assert_eq!(split_top("\"a b\" + c"), Some(("\"a b\"", "c")));
        assert_eq!(split_top("f (x)"), None);
    }
}
