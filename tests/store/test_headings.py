"""The one check of entity attribute names (store/headings.py): what a store can hold as a column,
and the contract reader's stricter reading of a heading, which calls the same function."""

from __future__ import annotations

import pytest

from guozi.store.headings import attribute_fault

KNOWN = {"name": "name", "listed": "listed"}  # case-folded → as spelt, as a store's columns give it


@pytest.mark.parametrize(
    ("name", "store", "contract"),
    [
        ("region_code", None, None),
        ('it\'s "quoted"', None, "the column name 'it\\'s \"quoted\"' holds a control character or a double quote"),
        (" region", None, "the column name ' region' starts or ends with spaces"),
        ("tab\there", "the column name 'tab\\there' holds a control character", "control character or a double quote"),
        ("a" * 64, "is too long: 64 bytes, at most 63", "is too long: 64 bytes, at most 63"),
        ("", "a column has no name", "a column has no name"),
        ("SUBMISSION_ID", "clashes with the reserved column submission_id", "reserved column submission_id"),
        ("__row__x", "starts with __, which guozi reserves", "starts with __, which guozi reserves"),
        ("Name", "differs from the existing entity attribute name only in case", "reserved column name"),
        ("LISTED", "existing entity attribute listed only in case: use listed", "attribute listed only in case"),
    ],
)
def test_the_store_and_the_contract_read_a_name_by_one_function(
    name: str, store: str | None, contract: str | None
) -> None:
    """The store keeps any name it can quote (quotes and spaces included); the contract also refuses
    surrounding spaces, quotes and its own columns in another case. Each fault is worded in both
    languages, with what was expected."""
    for strict, want in ((False, store), (True, contract)):
        fault = attribute_fault(name, {}, KNOWN, strict=strict)
        if want is None:
            assert fault is None, (strict, fault)
        else:
            assert fault is not None and want in fault[1], (strict, fault)
            assert fault[0] and fault[2]


def test_a_name_differing_in_case_from_an_earlier_one_of_the_file() -> None:
    fault = attribute_fault("Region_Code", {"region_code": "region_code"}, {}, strict=True)
    assert fault == (
        "列名 Region_Code 与本文件的另一列仅大小写不同",
        "the column name Region_Code differs from another column of this file only in case",
        "names distinct ignoring case",
    )
    assert attribute_fault("region_code", {"region_code": "region_code"}, {}) is None  # the same spelling


def test_a_long_name_is_quoted_as_shown() -> None:
    """70 Chinese characters are 210 bytes of UTF-8, past 63; the message quotes the shortened form."""
    fault = attribute_fault("长" * 70, {}, {}, shown="长长…（70）")
    assert fault is not None
    assert fault[0] == "列名过长：长长…（70）（210 字节，最多 63 字节）"
