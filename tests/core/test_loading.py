import pytest

from core.errors import ProfileError
from core.loading import MAX_PROFILE_BYTES, parse_text, read_profile_file


def message_of(text):
    with pytest.raises(ProfileError) as caught:
        parse_text(text)
    return str(caught.value)


def test_yaml_and_json_both_parse():
    assert parse_text("exam: plab1\n") == {"exam": "plab1"}
    assert parse_text('{"exam": "plab1"}') == {"exam": "plab1"}


def test_empty_file():
    assert "empty" in message_of("   \n")


def test_binary_junk():
    assert "not UTF-8" in message_of(b"\xff\xfe\x00\x81junk") or "binary" in message_of(b"\xff\xfe\x00\x81junk")


def test_too_large():
    assert "too large" in message_of("a: " + "x" * (MAX_PROFILE_BYTES + 1))


def test_python_objects_are_refused():
    assert "not valid YAML" in message_of("exam: !!python/object/apply:os.system ['echo hi']\n")


def test_alias_bomb_is_refused():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for level in "bcdefgh":
        prev = chr(ord(level) - 1)
        bomb += f"{level}: &{level} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
    assert "more than" in message_of(bomb)


def test_deep_nesting_is_refused():
    assert "nested" in message_of("a: " + "[" * 200 + "]" * 200)


def test_syntax_error_says_where():
    assert "line 2" in message_of("exam: x\n  bad: [\n")


def test_missing_file(tmp_path):
    with pytest.raises(ProfileError, match="file not found"):
        read_profile_file(tmp_path / "nope.yaml")


def test_folder_is_not_a_file(tmp_path):
    with pytest.raises(ProfileError, match="folder"):
        read_profile_file(tmp_path)
