from costs import references


def test_ogm_has_its_mod_97_check_digits():
    assert references.ogm(909337554) == "+++090/9337/55493+++"
    assert references.is_valid_ogm("+++090/9337/55493+++")
    assert not references.is_valid_ogm("+++090/9337/55494+++")


def test_ogm_check_of_a_multiple_of_97_is_97():
    assert references.ogm(97) == "+++000/0000/09797+++"
    assert references.is_valid_ogm("000000009797")


def test_rf_matches_the_iso_11649_example():
    assert references.rf("539007547034") == "RF18 5390 0754 7034"
    assert references.is_valid_rf("RF18 5390 0754 7034")
    assert not references.is_valid_rf("RF19 5390 0754 7034")


def test_statement_reference_is_ogm_in_belgium_and_rf_elsewhere():
    be = references.for_statement("BE", 3, 17)
    pt = references.for_statement("PT", 3, 17)

    assert be == "+++000/0300/01793+++"
    assert references.is_valid_ogm(be)
    assert pt == "RF83 PLEK 3N17"
    assert references.is_valid_rf(pt)


def test_normalise_finds_a_reference_in_what_banks_print():
    assert references.normalise("***090/9337/55493***") == "090933755493"
    assert references.normalise("payment RF18 5390 0754 7034 thanks") == "RF18539007547034"
    assert references.normalise("090933755493") == "090933755493"
