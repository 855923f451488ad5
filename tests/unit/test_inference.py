"""Inference from dataset paths and release URLs (pcs_gitops.domain.inference), on real shapes."""

from __future__ import annotations

import csv

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pcs_gitops.domain.inference import (
    KNOWN_GENERATORS,
    Inference,
    beams_from_path,
    generator_in_name,
    infer,
    manifest_parts,
    release_from_url,
    split_generator,
)
from pcs_gitops.domain.metadata import Provenance
from pcs_gitops.domain.naming import check_sample
from tests.conftest import REAL_CATALOG

EVGEN = "/volatile/eic/EPIC/EVGEN/"


def test_a_beagle_dis_path_gives_species_nucleon_beams_q2_and_the_generator_version() -> None:
    found = infer(
        EVGEN + "DIS/BeAGLE1.03.02-1.3/eH2/en/10x130/q2_1to1000",
        "https://github.com/eic/BeAGLEsamples/releases/tag/BeAGLE1.03.02-1.3",
    )
    assert found.physics == {
        "process": "DIS",
        "beam_species": "eH2",
        "nucleon": "en",
        "beam_energy_electron": "10",
        "beam_energy_hadron": "130",
        "q2_range": "q2_1to1000",
    }
    assert found.evgen == {"generator": "BeAGLE", "generator_version": "1.03.02-1.3"}
    assert found.sample == ""
    assert found.beams == "10x130"
    assert found.notes == []


def test_a_pythia8_nc_path_gives_the_neutral_current_process_and_the_minimum_q2() -> None:
    found = infer(EVGEN + "DIS/NC/10x100/minQ2=100", generator_text="pythia8")
    assert found.physics == {
        "process": "DIS_NC",
        "beam_energy_electron": "10",
        "beam_energy_hadron": "100",
        "q2_range": "minQ2=100",
    }
    assert found.evgen["generator"] == "pythia8"


@pytest.mark.parametrize("text", ["pythia8", "Pythia 8"])
def test_a_generator_named_without_a_version_is_left_open_never_guessed(text: str) -> None:
    found = infer(EVGEN + "DIS/CC/10x100/minQ2=100", generator_text=text)
    assert found.evgen == {"generator": "pythia8"}
    assert "generator_version" not in found.evgen
    assert found.notes == [
        "generator pythia8 has no version in the path or release tag; "
        "it is left open (never guessed)"
    ]


def test_a_path_without_any_generator_derives_no_evgen_parameters() -> None:
    found = infer(EVGEN + "DIS/CC/10x100/minQ2=100")
    assert found.evgen == {}
    assert found.physics["process"] == "DIS_CC"


def test_the_dvcs_path_version_wins_over_a_shorter_release_tag_and_says_so() -> None:
    found = infer(
        EVGEN + "EXCLUSIVE/DVCS_ABCONV/EpIC_v1.1.6-1.2/10x100/q2_1_100",
        "https://github.com/eic/EpIC_generator_MC_samples/releases/tag/1.2",
    )
    assert found.physics == {
        "process": "DVCS",
        "beam_energy_electron": "10",
        "beam_energy_hadron": "100",
        "q2_range": "q2_1_100",
    }
    assert found.evgen == {"generator": "EpIC", "generator_version": "1.1.6-1.2"}
    assert found.notes == [
        "release tag version 1.2 differs from the path's 1.1.6-1.2; the path wins"
    ]
    assert found.release_url == "https://github.com/eic/EpIC_generator_MC_samples/releases/tag/1.2"


def test_a_dempgen_path_agrees_with_its_v_prefixed_release_tag() -> None:
    found = infer(
        EVGEN + "EXCLUSIVE/DEMP/DEMPgen-1.2.4/10x130/q2_10_20/pi+",
        "https://github.com/JeffersonLab/DEMPgen/releases/tag/v1.2.4",
    )
    assert found.physics == {
        "process": "DEMP",
        "beam_energy_electron": "10",
        "beam_energy_hadron": "130",
        "q2_range": "q2_10_20",
    }
    assert found.evgen == {"generator": "DEMPgen", "generator_version": "1.2.4"}
    assert found.sample == "pi+"
    assert found.notes == []


def test_the_release_tag_supplies_the_version_when_the_path_lacks_one() -> None:
    found = infer(
        EVGEN + "EXCLUSIVE/DEMP/10x130/q2_10_20/pi+",
        "https://github.com/JeffersonLab/DEMPgen/releases/tag/v1.2.4",
    )
    assert found.evgen == {"generator": "DEMPgen", "generator_version": "1.2.4"}
    assert found.notes == ["generator version 1.2.4 taken from the release tag"]


def test_the_pythia6_eic_version_is_the_next_path_token_and_the_gitlab_tree_agrees() -> None:
    url = "https://gitlab.com/eic/mceg/PYTHIA-RAD-CORR/-/tree/1.0.0"
    found = infer(EVGEN + "SIDIS/pythia6-eic/1.0.0/10x100/q2_0to1", url)
    assert found.physics == {
        "process": "SIDIS",
        "beam_energy_electron": "10",
        "beam_energy_hadron": "100",
        "q2_range": "q2_0to1",
    }
    assert found.evgen == {"generator": "pythia6-eic", "generator_version": "1.0.0"}
    assert found.sample == ""
    assert found.release_url == url
    assert release_from_url(url) == ("PYTHIA-RAD-CORR", "1.0.0")


def test_a_single_particle_gun_path_keeps_the_angular_range_as_the_sample() -> None:
    found = infer(EVGEN + "SINGLE/pi+/100MeV/130to177deg")
    assert found.physics == {
        "process": "SINGLE",
        "particle": "pi+",
        "gun_energy": "100MeV",
        "beam_energy_electron": "N/A",
        "beam_energy_hadron": "N/A",
    }
    assert found.evgen == {"generator": "particle_gun"}
    assert found.sample == "130to177deg"
    assert found.beams is None


def test_electron_beam_gas_brems_is_a_background_with_source_mechanism_and_release() -> None:
    found = infer(
        EVGEN + "BACKGROUNDS/BEAMGAS/electron/brems/EIC_ESR_Xsuite/dataprod_rel_1.0.1/10x275/"
        "10000Ahr/MachineRuntime50s",
        "https://github.com/eic/EIC_ESR_Xsuite/releases/tag/dataprod_rel_1.0.1",
    )
    assert found.physics == {"process": ""}
    assert found.background == {
        "background_type": "BEAMGAS",
        "bg_source": "electron",
        "bg_mechanism": "brems",
        "beam_energy_electron": "10",
        "beam_energy_hadron": "275",
        "bg_generator": "EIC_ESR_Xsuite",
    }
    assert found.evgen == {"generator": "EIC_ESR_Xsuite", "generator_version": "1.0.1"}
    assert found.sample == "10000Ahr.MachineRuntime50s"
    assert found.beams == "10x275"
    assert found.notes == []


def test_synchrotron_radiation_takes_generator_and_version_from_its_release() -> None:
    found = infer(
        EVGEN + "BACKGROUNDS/SYNRAD/dataprod_rel_1.0.0/10x275",
        "https://github.com/eic/EIC_SR_Geant4/releases/tag/dataprod_rel_1.0.0",
    )
    assert found.background["background_type"] == "SYNRAD"
    assert found.beams == "10x275"
    assert found.evgen == {"generator": "EIC_SR_Geant4", "generator_version": "1.0.0"}
    assert "generator version 1.0.0 taken from the release tag" in found.notes
    check_sample(found.sample)


def test_proton_beam_gas_reads_the_pythia8_version_from_the_path_token() -> None:
    found = infer(
        EVGEN + "BACKGROUNDS/BEAMGAS/proton/pythia8.306-1.0/100GeV/",
        "https://github.com/eic/ProtonBeamGas/releases/tag/pythia8.306-1.0",
    )
    assert found.background == {
        "background_type": "BEAMGAS",
        "bg_source": "proton",
        "beam_energy": "100GeV",
        "bg_generator": "pythia8",
    }
    assert found.evgen == {"generator": "pythia8", "generator_version": "8.306-1.0"}
    assert found.sample == ""
    assert found.beams is None
    assert found.notes == []


def test_an_upsilon_file_name_drops_its_hepmc3_tree_root_extension() -> None:
    found = infer(
        EVGEN + "EXCLUSIVE/UPSILON_ABCONV/upsilon1s_threshold_ab_hiAcc_10x100.hepmc3.tree.root",
        generator_text="eSTARlight",
    )
    assert found.physics == {
        "process": "UPSILON",
        "beam_energy_electron": "10",
        "beam_energy_hadron": "100",
    }
    assert found.sample == "upsilon1s_threshold_ab_hiAcc"
    assert found.evgen == {"generator": "eSTARlight"}
    assert any("never guessed" in note for note in found.notes)


def test_a_path_outside_an_evgen_tree_derives_nothing_but_names_its_sample_after_the_leaf() -> None:
    found = infer("/gpfs02/eic/macink/sample_1")
    assert (found.is_evgen_path, found.physics, found.evgen) == (False, {}, {})
    assert found.sample == "sample_1"  # two unknown inputs do not collide on p0.e0
    assert found.notes == ["path is not under an /EVGEN/ tree; nothing derived from it"]


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("BeAGLE1.03.02-1.0", ("BeAGLE", "1.03.02-1.0")),
        ("EpIC_v1.1.6-1.2", ("EpIC", "1.1.6-1.2")),
        ("DEMPgen-1.2.4", ("DEMPgen", "1.2.4")),
        ("pythia8.306-1.0", ("pythia8", "8.306-1.0")),
        ("Pythia8.312-2.0", ("pythia8", "8.312-2.0")),
        ("pythia6.428-dijet-v1.0", ("pythia6", "6.428-dijet-v1.0")),
        ("pythia6-eic", ("pythia6-eic", "")),
        ("pythia8", ("pythia8", "")),
        ("sartre1.39-1.0", ("sartre", "1.39-1.0")),
        ("HFsim-PYTHIA", None),
        ("10x100", None),
    ],
)
def test_a_generator_token_splits_into_canonical_name_and_version(
    token: str, expected: tuple[str, str] | None
) -> None:
    assert split_generator(token) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://github.com/eic/BeAGLEsamples/releases/tag/BeAGLE1.03.02-1.0",
            ("BeAGLEsamples", "BeAGLE1.03.02-1.0"),
        ),
        ("https://gitlab.com/eic/mceg/PYTHIA-RAD-CORR/-/tree/1.2.0", ("PYTHIA-RAD-CORR", "1.2.0")),
        ("dtn-eic.jlab.org//volatile/eic", None),
        ("https://github.com/eic/BeAGLEsamples", None),
        ("eSTARlight", None),
    ],
)
def test_a_release_url_gives_repository_and_tag(url: str, expected: tuple[str, str] | None) -> None:
    assert release_from_url(url) == expected


def test_a_path_spelling_two_beam_settings_has_no_single_beam_setting() -> None:
    assert beams_from_path(EVGEN + "DIS/NC/10x100/minQ2=1") == "10x100"
    assert beams_from_path("/a/10x100/b/18x275") is None
    assert beams_from_path("/a/b") is None


def _identity(found: Inference) -> tuple[object, ...]:
    return (
        tuple(sorted(found.physics.items())),
        tuple(sorted(found.evgen.items())),
        tuple(sorted(found.background.items())),
        found.sample,
    )


def test_every_real_catalogue_row_infers_a_distinct_identity() -> None:
    with REAL_CATALOG.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 405
    identities: dict[tuple[object, ...], str] = {}
    for row in rows:
        version = row["Generator/Dataset Version"]
        is_url = version.strip().startswith("https://")
        found = infer(
            row["Dataset Path"],
            version if is_url else None,
            None if is_url else version,
        )
        assert found.is_evgen_path, row["Dataset Path"]
        check_sample(found.sample)
        key = _identity(found)
        assert key not in identities, f"{row['Dataset Path']} collides with {identities[key]}"
        identities[key] = row["Dataset Path"]
    assert len(identities) == 405


# --------------------------------------------------------------------------- manifests, sources

MANIFEST_FOLDER = EVGEN + "DIS/NC/18x275/minQ2=1"
MANIFEST = "pythia8NCDIS_18x275_minQ2=1_beamEffects_xAngle=-0.025_hiDiv_1.csv"
DATASETS_REPO = "https://github.com/eic/simulation_campaign_datasets/releases/tag/v1.0.0"


def test_a_pythia8_manifest_names_the_generator_by_its_file_name_not_its_repository() -> None:
    folder, name = manifest_parts(f"{MANIFEST_FOLDER}/{MANIFEST}")
    found = infer(folder, DATASETS_REPO, manifest=name)
    assert (folder, name) == (MANIFEST_FOLDER, MANIFEST)
    assert found.evgen == {"generator": "pythia8"}
    assert found.sources["generator"] is Provenance.MANIFEST
    assert found.physics["process"] == "DIS_NC" and found.beams == "18x275"
    assert found.sample == ""  # the folder names the sample, not the manifest's file name
    assert (
        "the release repository simulation_campaign_datasets is not named after a generator; "
        "its tag v1.0.0 is not taken as the generator version"
    ) in found.notes


def test_a_release_of_a_repository_named_after_no_generator_names_no_generator() -> None:
    found = infer("/gpfs02/eic/someone/samples", DATASETS_REPO)
    assert found.evgen == {}
    assert found.release_url == DATASETS_REPO


def test_a_release_tag_agreeing_with_the_path_makes_the_version_certain() -> None:
    found = infer(
        EVGEN + "DIS/BeAGLE1.03.02-1.3/eH2/en/10x130/q2_1to1000",
        "https://github.com/eic/BeAGLEsamples/releases/tag/BeAGLE1.03.02-1.3",
    )
    assert found.corroborated == {"generator", "generator_version"}
    assert found.sources == {
        "generator": Provenance.PATH,
        "generator_version": Provenance.PATH,
        "species": Provenance.PATH,
        "beams": Provenance.PATH,
        "q2_range": Provenance.PATH,
    }


def test_a_manifest_name_disagreeing_with_the_path_loses_and_says_so() -> None:
    found = infer(EVGEN + "DIS/BeAGLE1.03.02-1.3/eH2/10x130", manifest="pythia8NCDIS_x.csv")
    assert found.evgen["generator"] == "BeAGLE"
    assert "the manifest name says pythia8 but the path says BeAGLE; the path wins" in found.notes


def test_particle_gun_beams_and_generator_are_conventions_not_readings() -> None:
    found = infer(EVGEN + "SINGLE/pi+/100MeV/130to177deg")
    assert found.sources == {"beams": Provenance.DEFAULT, "generator": Provenance.DEFAULT}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("pythia8NCDIS_18x275_minQ2=1.csv", ("pythia8", "")),
        ("BeAGLE1.03.02-1.0_eAu_10x100.csv", ("BeAGLE", "1.03.02-1.0")),
        ("DIS_NC_pythia8.306-1.0_18x275.csv", ("pythia8", "8.306-1.0")),
        ("eSTARlight_jpsi.hepmc3.tree.root", ("eSTARlight", "")),
        ("pythia6-eic_ep_10x100.csv", ("pythia6-eic", "")),
        ("BeAGLEsamples_x.csv", None),  # a word that merely starts like a generator
        ("simulation_campaign_datasets.csv", None),
        ("", None),
    ],
)
def test_a_generator_is_read_from_the_start_of_a_file_name_token(
    name: str, expected: tuple[str, str] | None
) -> None:
    assert generator_in_name(name) == expected


@pytest.mark.parametrize(
    ("location", "sample"),
    [("rucio:foo", "foo"), ("epic:data.set.b1", ""), ("/a/k3", ""), ("https://x.org/f.hepmc", "f")],
)
def test_a_source_that_reveals_nothing_is_named_after_its_leaf(location: str, sample: str) -> None:
    found = infer(location)
    assert (found.physics, found.evgen, found.sample) == ({}, {}, sample)


@given(st.text(max_size=40), st.text(max_size=40))
def test_any_source_infers_without_error_and_a_sample_the_name_grammar_accepts(
    location: str, manifest: str
) -> None:
    found = infer(location, manifest=manifest)
    check_sample(found.sample)
    generator = generator_in_name(manifest)
    assert generator is None or generator[0] in KNOWN_GENERATORS
