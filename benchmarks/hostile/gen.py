#!/usr/bin/env python3
"""Generates hostile (huge or pathological) Oort inputs of a given size.

    python3 gen.py SHAPE BYTES > out.oort       (BYTES may end in k, m: 4m, 100m)
    python3 gen.py --list                       (the shapes, one a line, with what they are)

The output is deterministic and about BYTES long. `benchmarks/run_hostile.sh` times
`oort check` on each shape at several sizes; `crates/oort-cli/tests/hostile.rs` builds
the same shapes (in Rust) for its tests.
"""

import sys

SHAPES = {}


def shape(doc):
    def register(f):
        SHAPES[f.__name__] = (doc, f)
        return f

    return register


def repeat(out, size, head, unit, tail=""):
    """head, then `unit` repeated until the file is about `size` bytes, then tail."""
    n = max(1, (size - len(head) - len(tail)) // len(unit))
    out.write(head)
    chunk = unit * 4096
    for _ in range(n // 4096):
        out.write(chunk)
    out.write(unit * (n % 4096))
    out.write(tail)


def numbered(out, size, head, make, tail=""):
    """head, then make(i) for i = 0, 1, … until about `size` bytes, then tail(i) for the
    number i of items made (or tail itself, a string)."""
    out.write(head)
    written = len(head) + 40
    i = 0
    buf = []
    while written < size:
        s = make(i)
        buf.append(s)
        written += len(s)
        i += 1
        if len(buf) == 4096:
            out.write("".join(buf))
            buf = []
    out.write("".join(buf))
    out.write(tail(i) if callable(tail) else tail)


@shape("top-level `x = x + 1;` statements on one variable (valid)")
def assign(out, size):
    repeat(out, size, "x := 0;\n", "x = x + 1;\n", "print x;\n")


@shape("the same statements on one line (valid)")
def oneline(out, size):
    repeat(out, size, "x := 0; ", "x = x + 1; ", "print x;\n")


@shape("one function whose body is `x = x + 1;` statements (valid)")
def body(out, size):
    repeat(out, size, "f () -> int32 {\n    x := 0;\n", "    x = x + 1;\n", "    return x;\n}\nprint f ();\n")


@shape("distinct top-level variables, each read by the next (codegen limit E0401 past 65535)")
def vars(out, size):
    numbered(out, size, "v0 := 0;\n", lambda i: f"v{i + 1} := v{i} + 1;\n", lambda n: f"print v{n};\n")


@shape("distinct local variables in one function (codegen limit E0401 past 65535)")
def locals(out, size):
    numbered(out, size, "f () -> int32 {\n    v0 := 0;\n", lambda i: f"    v{i + 1} := v{i} + 1;\n",
             lambda n: f"    return v{n};\n}}\nprint f ();\n")


@shape("a variable and an `if` reading it per line, at top level (blocks x variables)")
def ifvars(out, size):
    numbered(out, size, "", lambda i: f"v{i} := {i % 10};\nif (v{i} > 5) {{ print v{i}; }}\n")


@shape("a nullable string variable tested before use per line (the null check's states)")
def nullable(out, size):
    numbered(out, size, 's0: string = null;\n',
             lambda i: f's{i + 1}: string = s{i} == null ? "a" : null;\nif (s{i + 1} != null) {{ print s{i + 1}.length; }}\n')


@shape("small top-level functions, each calling the previous (valid)")
def funcs(out, size):
    numbered(out, size, "f0 (a: int32) -> int32 { return a; }\n",
             lambda i: f"f{i + 1} (a: int32) -> int32 {{ return f{i} (a) + 1; }}\n", "print f0 (1);\n")


def subclass(i):
    return f"class C{i + 1} : C{i} {{ y{i}: int32; get () -> int32 {{ return y{i} + {i}; }} }}\n"


@shape("small classes with a field and a method, in chains of ten subclasses (valid)")
def classes(out, size):
    numbered(out, size, "class C0 { x: int32; get () -> int32 { return x; } }\n",
             lambda i: subclass(i) if i % 10 else f"class C{i + 1} {{ x: int32; get () -> int32 {{ return x; }} }}\n",
             "print new C0 ().get ();\n")


@shape("one chain of subclasses, each extending the previous (E0402 past 100 ancestors)")
def deepclasses(out, size):
    numbered(out, size, "class C0 { x: int32; get () -> int32 { return x; } }\n", subclass,
             "print new C0 ().get ();\n")


@shape("an `if … else if …` chain of `x == i` tests (generated-code shape)")
def elseif(out, size):
    numbered(out, size, "x := 7;\ny := 0;\nif (x == 0) { y = 1; }\n",
             lambda i: f"else if (x == {i + 1}) {{ y = {i}; }}\n", "print y;\n")


@shape("a `switch` with one case per value (valid)")
def switch(out, size):
    numbered(out, size, "x := 7;\ny := 0;\nswitch (x) {\n",
             lambda i: f"    case {i}: y = {i};\n", "    default: y = -1;\n}\nprint y;\n")


@shape("line comments, then one statement (valid)")
def comments(out, size):
    repeat(out, size, "", "// a comment line of some length, repeated many times\n", "print 1;\n")


@shape("one block comment, then one statement (valid)")
def blockcomment(out, size):
    repeat(out, size, "/*\n", "a block comment line of some length, repeated\n", "*/\nprint 1;\n")


@shape("one string literal (valid)")
def string(out, size):
    repeat(out, size, 's := "', "abcdefghij", '";\nprint s.length;\n')


@shape("tokens that make no program: one syntax error a statement")
def garbage(out, size):
    repeat(out, size, "", ") ] 1 2 := + while ; } else class ( ;\n")


@shape("an undefined name a line: one name error a statement")
def undefined(out, size):
    numbered(out, size, "", lambda i: f"print u{i};\n")


@shape("unary minus nested as deep as the size allows (nesting too deep)")
def unary(out, size):
    repeat(out, size, "x := ", "-", "1;\n")


@shape("parentheses nested as deep as the size allows (nesting too deep)")
def parens(out, size):
    n = max(1, (size - 10) // 2)
    out.write("x := " + "(" * n + "1" + ")" * n + ";\n")


@shape("a chain `1 + 1 + … + 1` (nesting too deep)")
def plus(out, size):
    repeat(out, size, "x := 1", " + 1", ";\nprint x;\n")


def parse_size(s):
    mult = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}.get(s[-1:].lower(), 1)
    return int(s[:-1] if mult > 1 else s) * mult


def main():
    if len(sys.argv) == 2 and sys.argv[1] == "--list":
        for name, (doc, _) in SHAPES.items():
            print(f"{name:13} {doc}")
        return
    if len(sys.argv) != 3 or sys.argv[1] not in SHAPES:
        sys.exit(f"usage: gen.py SHAPE BYTES   (shapes: {', '.join(SHAPES)})")
    SHAPES[sys.argv[1]][1](sys.stdout, parse_size(sys.argv[2]))


if __name__ == "__main__":
    main()
