import pytest

from mediatheek.patrons.cardnumbers import card_number_for, is_valid_card_number
from mediatheek.patrons.services import allocate_card_numbers
from mediatheek.testing.factories import PatronFactory


def test_card_number_has_a_check_digit_that_catches_a_typo():
    number = card_number_for(1234)
    assert is_valid_card_number(number)
    typo = number[:3] + str((int(number[3]) + 1) % 10) + number[4:]
    assert not is_valid_card_number(typo)
    swapped = number[:4] + number[5] + number[4] + number[6:]
    assert swapped == number or not is_valid_card_number(swapped)


@pytest.mark.django_db
def test_allocated_numbers_are_fresh_and_skip_numbers_in_use(school_a):
    PatronFactory(school=school_a, card_number=card_number_for(2))
    numbers = allocate_card_numbers(3)
    assert card_number_for(2) not in numbers
    assert len(set(numbers)) == 3
    assert set(numbers).isdisjoint(allocate_card_numbers(3))


def test_own_luhn_agrees_with_python_stdnum():
    from stdnum import luhn

    from mediatheek.patrons.cardnumbers import luhn_check_digit

    for value in [*range(0, 25_000), *range(99_990_000, 100_000_000, 7), 12_345_678]:
        body = f"2{value:08d}"
        assert luhn_check_digit(body) == luhn.calc_check_digit(body)
        assert card_number_for(value) == body + luhn.calc_check_digit(body)


@pytest.mark.django_db
def test_a_hand_typed_number_inside_the_range_is_skipped(school_a):
    PatronFactory(school=school_a, card_number=card_number_for(5))
    numbers = allocate_card_numbers(10)
    assert card_number_for(5) not in numbers and len(set(numbers)) == 10
