"""Source line breaks read as a browser shows them (cleaners/whitespace.py)."""

from __future__ import annotations

from lxml import html as lxml_html

from cleaners.whitespace import unwrap_source_lines


def unwrapped(markup: str) -> lxml_html.HtmlElement:
    tree = lxml_html.fromstring(markup)
    unwrap_source_lines(tree)
    return tree


def test_a_paragraph_wrapped_in_the_source_reads_as_one_line():
    tree = unwrapped("<div><p>The ferry will run\nits winter timetable\r\nfrom Monday.</p>\n<p>Second.</p></div>")
    assert [p.text for p in tree.iter("p")] == ["The ferry will run its winter timetable from Monday.", "Second."]


def test_preformatted_text_keeps_its_lines_and_the_text_after_it_does_not():
    tree = unwrapped("<div><pre>$ wasmer run hello.wasm\nhello, world!\n<b>$ exit\n</b></pre>after\nit</div>")
    pre = tree.find("pre")
    assert pre.text_content() == "$ wasmer run hello.wasm\nhello, world!\n$ exit\n" and pre.tail == "after it"


def test_a_control_character_beside_a_line_break_does_not_stop_the_unwrap():
    tree = unwrapped("<div><p>one\ntwo\x0bthree</p></div>")
    assert tree.find("p").text == "one twothree"
