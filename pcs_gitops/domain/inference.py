"""What a dataset path and a release URL say about physics, generator and sample.

Inference never guesses: a generator version is taken only when the path or the release tag
spells it out, and every path token that no rule consumed ends up in the sample (or is
reported), so two different paths never collapse into one identity silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlparse

from pcs_gitops.domain.metadata import Provenance
from pcs_gitops.domain.naming import NameError_, check_sample

EVGEN_MARKER = "/EVGEN/"
EVGEN_EXTENSIONS = (".hepmc3.tree.root", ".hepmc3.gz", ".hepmc.gz", ".hepmc3", ".hepmc")

# Generator names as they appear at the start of path tokens and release tags (longest first).
KNOWN_GENERATORS: tuple[str, ...] = (
    "eicMesonSFGen",
    "EIC_ESR_Xsuite",
    "EIC_SR_Geant4",
    "eSTARlight",
    "pythia6-eic",
    "DJANGOH",
    "DEMPgen",
    "BeAGLE",
    "GETaLM",
    "pythia8",
    "pythia6",
    "rapgap",
    "sartre",
    "lAger",
    "EpIC",
)
_GENERATOR_RE = re.compile(
    r"^(?P<gen>" + "|".join(re.escape(g) for g in KNOWN_GENERATORS) + r")(?P<sep>[-_.]?v?)"
    r"(?P<ver>\d[A-Za-z0-9.\-_]*)?$",
    re.IGNORECASE,
)
_RELEASE_TAG = re.compile(r"^(?:dataprod_rel_|v)?(\d+(?:\.\d+)+(?:-[A-Za-z0-9.\-]+)?)$")
_BEAMS = re.compile(r"(?:^|_)(\d{1,2})x(\d{2,3})(?=$|_|\.)")
_SPECIES = {"ep", "eH2", "eHe3", "eAu", "eCu", "eRu", "eD", "ePb", "eC"}
_NUCLEON = {"ep", "en"}
_Q2 = re.compile(r"^(q2_[A-Za-z0-9_]+|minQ2=\d+)$")
_GUN_ENERGY = re.compile(r"^\d+(\.\d+)?(MeV|GeV|keV)$")
_PHYSICS_WORDS = {
    "coherent": "coherence",
    "incoherent": "coherence",
    "coherent_ep": "coherence",
    "edecay": "decay_mode",
    "mudecay": "decay_mode",
    "hplus": "hadron_charge",
    "hminus": "hadron_charge",
    "bsat": "model",
    "bnonsat": "model",
    "unpolarised": "polarization",
    "polarised": "polarization",
    "PGF": "mechanism",
}
_RADIATIVE = {"noRad": "off", "Rad": "on", "noRC": "off", "RC": "on"}
_BG_SOURCES = {"electron", "proton"}
_BG_MECHANISMS = {"brems", "coulomb", "touschek"}
_SINGLE_PARTICLES = re.compile(r"^(e[+-]|mu[+-]|pi[+-0]|pi0|kaon[+-0]|gamma|proton|neutron|K0L)$")
_SAMPLE_UNSAFE = re.compile(r"[^A-Za-z0-9_+\-.]+")

AREA_PROCESSES = {"SINGLE": "SINGLE", "DIS": "DIS", "DDIS": "DDIS"}


@dataclass
class Inference:
    """The outcome of reading a path (and optionally a release URL)."""

    path: str
    is_evgen_path: bool = False
    physics: dict[str, str] = field(default_factory=dict)
    evgen: dict[str, str] = field(default_factory=dict)
    background: dict[str, str] = field(default_factory=dict)
    sample: str = ""
    release_url: str = ""
    notes: list[str] = field(default_factory=list)
    # where each descriptive value came from (``metadata.DESCRIPTIVE_FIELDS``), and the values
    # two independent sources agree on
    sources: dict[str, Provenance] = field(default_factory=dict)
    corroborated: set[str] = field(default_factory=set)
    manifest: str = ""  # the manifest's file name, when the location is a CSV manifest

    def found(self, name: str, provenance: Provenance) -> None:
        """Record where the value of the descriptive field ``name`` came from (first wins)."""
        self.sources.setdefault(name, provenance)

    @property
    def species(self) -> str | None:
        return self.physics.get("beam_species") or self.background.get("beam_species")

    @property
    def beams(self) -> str | None:
        e = self.physics.get("beam_energy_electron") or self.background.get("beam_energy_electron")
        h = self.physics.get("beam_energy_hadron") or self.background.get("beam_energy_hadron")
        if e and h and e != "N/A" and h != "N/A":
            return f"{e}x{h}"
        return None

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "is_evgen_path": self.is_evgen_path,
            "physics": dict(self.physics),
            "evgen": dict(self.evgen),
            "background": dict(self.background),
            "sample": self.sample,
            "release_url": self.release_url,
            "beams": self.beams,
            "manifest": self.manifest,
            "notes": list(self.notes),
        }


def split_generator(token: str) -> tuple[str, str] | None:
    """``BeAGLE1.03.02-1.0`` -> (``BeAGLE``, ``1.03.02-1.0``); pythia keeps its major digit."""
    match = _GENERATOR_RE.match(token)
    if match is None:
        return None
    canonical = next(g for g in KNOWN_GENERATORS if g.casefold() == match["gen"].casefold())
    version = match["ver"] or ""
    if canonical in ("pythia8", "pythia6") and version and not match["sep"]:
        # "pythia8.306-1.2": the "8" is both the generator's name and its major version.
        version = canonical[-1] + version if version.startswith(".") else version
    if canonical in ("pythia8", "pythia6") and token[len(canonical) :].startswith("."):
        version = canonical[-1] + token[len(canonical) :]
    return canonical, version


def release_from_url(url: str) -> tuple[str, str] | None:
    """(repository name, tag) from a GitHub ``releases/tag/X`` or GitLab ``-/tree/X`` URL."""
    parsed = urlparse(url.strip())
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        return None
    parts = [p for p in parsed.path.split("/") if p]
    for marker in ("tag", "tree"):
        if marker in parts:
            at = parts.index(marker)
            if at + 1 < len(parts):
                repo = parts[at - 2] if parts[at - 1] in ("releases", "-") else parts[at - 1]
                return repo, "/".join(parts[at + 1 :])
    return None


def _release_generator(repo: str, tag: str) -> tuple[str | None, str] | None:
    """(generator, version) a release names: the tag's own generator and version, or a bare
    version tag of a repository named after a known generator; (None, version) for a bare tag
    of any other repository (``simulation_campaign_datasets``, a samples repository): that
    version belongs to the samples, not to a generator."""
    found = split_generator(tag)
    if found and found[1]:
        return found
    bare = _RELEASE_TAG.match(tag)
    if bare is None:
        return None
    named = split_generator(repo)
    return (named[0] if named else None), bare.group(1)


def _strip_extension(token: str) -> str:
    for ext in EVGEN_EXTENSIONS:
        if token.endswith(ext):
            return token[: -len(ext)]
    return token


def manifest_parts(location: str) -> tuple[str, str]:
    """(folder, file name) of a CSV manifest location; (location, "") for anything else. The
    folder names the sample; the file name may name the generator (``pythia8NCDIS_...csv``)."""
    folder, _, name = location.strip().rpartition("/")
    if folder and name.lower().endswith(".csv"):
        return folder, name
    return location, ""


def generator_in_name(name: str) -> tuple[str, str] | None:
    """The generator (and version, when spelled) a file name starts one of its ``_`` tokens
    with: ``pythia8NCDIS_18x275_minQ2=1.csv`` -> (``pythia8``, ``""``)."""
    stem = _strip_extension(name.removesuffix(".csv").removesuffix(".CSV"))
    for token in (t for t in stem.split("_") if t):
        whole = split_generator(token)
        if whole is not None:
            return whole
        for generator in KNOWN_GENERATORS:
            rest = token[len(generator) :]
            if token.casefold().startswith(generator.casefold()) and (
                not rest or not rest[0].islower()
            ):
                return generator, ""
    return None


def _leaf_sample(location: str) -> str:
    """A sample from the last name of a location that revealed nothing else (``rucio:foo`` ->
    ``foo``), so two unknown inputs do not collide on the placeholder labels; empty when that
    name cannot be a sample."""
    leaf = re.split(r"[/:]", location.strip().rstrip("/"))[-1]
    sample = re.sub(r"\.{2,}", ".", _SAMPLE_UNSAFE.sub("_", _strip_extension(leaf))).strip("._")
    try:
        check_sample(sample)
    except NameError_:
        return ""
    return sample


def infer(
    path: str,
    release_url: str | None = None,
    generator_text: str | None = None,
    manifest: str = "",
) -> Inference:
    """Derive physics, evgen and background parameters and a sample from a dataset path (a
    manifest's folder, with its file name as ``manifest``), a release URL and the generator
    text of a request."""
    result = Inference(path=path, manifest=manifest)
    clean = path.strip()
    at = clean.find(EVGEN_MARKER)
    path_generator: str | None = None
    if at < 0:
        result.notes.append("path is not under an /EVGEN/ tree; nothing derived from it")
    else:
        result.is_evgen_path = True
        tokens = [t for t in clean[at + len(EVGEN_MARKER) :].split("/") if t]
        path_generator = _read_tree(result, tokens) if tokens else None
    _apply_manifest(result, manifest, path_generator)
    _apply_release(result, release_url, generator_text)
    if not (result.physics or result.background or result.sample):
        result.sample = _leaf_sample(f"{clean}/{manifest}" if manifest else clean)
    return result


def _read_area(result: Inference, area: str, rest: list[str]) -> list[str]:
    """Set the process (or background type) from the first tokens; the tokens left to read."""
    if area == "BACKGROUNDS" and rest:
        result.physics["process"] = ""
        result.background["background_type"] = rest[0]
        return rest[1:]
    if area in AREA_PROCESSES:
        result.physics["process"] = AREA_PROCESSES[area]
    elif area in ("EXCLUSIVE", "SIDIS") and rest:
        sub = re.sub(r"_ABCONV$", "", rest[0])
        if area == "SIDIS":
            known = {"D0": "SIDIS_D0", "DIJET": "SIDIS_DIJET", "Lc": "SIDIS_Lc"}
            result.physics["process"] = known.get(sub, "SIDIS")
            return rest[1:] if sub in known else rest
        result.physics["process"] = sub
        return rest[1:]
    else:
        result.physics["process"] = area
        result.notes.append(f"unknown area '{area}'; process taken verbatim")
    return rest


def _read_tree(result: Inference, tokens: list[str]) -> str | None:
    """Read the tokens after ``/EVGEN/``; the generator the path names, if any."""
    rest = _read_area(result, tokens[0], tokens[1:])
    leftovers: list[str] = []
    path_generator: str | None = None
    for index, raw in enumerate(rest):
        token = _strip_extension(raw)
        if result.physics.get("process") in ("DIS",) and token in ("NC", "CC"):
            result.physics["process"] = f"DIS_{token}"
            continue
        generator = split_generator(token)
        if generator is not None:
            path_generator = _take_path_generator(result, generator, rest[index + 1 :])
            continue
        if path_generator and "generator_version" not in result.evgen:
            bare = _RELEASE_TAG.match(token)
            if bare is not None:
                result.evgen["generator_version"] = bare.group(1)
                result.found("generator_version", Provenance.PATH)
                continue
        leftover = _read_token(result, token)
        if leftover:
            leftovers.append(leftover)
    _single_particle_defaults(result)
    if "background_type" in result.background and path_generator:
        result.background["bg_generator"] = path_generator
    sample = ".".join(_SAMPLE_UNSAFE.sub("_", t).strip("._") for t in leftovers)
    result.sample = re.sub(r"\.{2,}", ".", sample).strip(".")
    return path_generator


def _take_path_generator(result: Inference, generator: tuple[str, str], after: list[str]) -> str:
    name, version = generator
    result.evgen["generator"] = name
    result.found("generator", Provenance.PATH)
    if version:
        result.evgen["generator_version"] = version
        result.found("generator_version", Provenance.PATH)
    return name  # without a version the next token may carry it (pythia6-eic/1.0.0)


def _read_token(result: Inference, token: str) -> str | None:
    """Read one path token into the physics/evgen/background parameters; what is left of it
    for the sample (None when it was read whole)."""
    beams = _BEAMS.search(token)
    if beams is not None:
        target = result.background if "background_type" in result.background else result.physics
        target["beam_energy_electron"] = beams.group(1)
        target["beam_energy_hadron"] = beams.group(2)
        result.found("beams", Provenance.PATH)
        return (token[: beams.start()] + token[beams.end() :]).strip("_") or None
    if token in _SPECIES and "beam_species" not in result.physics:
        result.physics["beam_species"] = token
        result.found("species", Provenance.PATH)
        return None
    if token in _NUCLEON and "beam_species" in result.physics:
        result.physics["nucleon"] = token
        return None
    if _Q2.match(token):
        result.physics["q2_range"] = token
        result.found("q2_range", Provenance.PATH)
        return None
    if token in _RADIATIVE:
        result.evgen["radiative"] = _RADIATIVE[token]
        return None
    if token in _PHYSICS_WORDS and _PHYSICS_WORDS[token] not in result.physics:
        result.physics[_PHYSICS_WORDS[token]] = token
        return None
    if _read_background_token(result, token) or _read_single_token(result, token):
        return None
    return token


def _read_background_token(result: Inference, token: str) -> bool:
    if "background_type" not in result.background:
        return False
    if token in _BG_SOURCES and "bg_source" not in result.background:
        result.background["bg_source"] = token
        return True
    if token in _BG_MECHANISMS:
        result.background["bg_mechanism"] = token
        return True
    if _GUN_ENERGY.match(token) is not None and "beam_energy" not in result.background:
        result.background["beam_energy"] = token
        return True
    return False


def _read_single_token(result: Inference, token: str) -> bool:
    if result.physics.get("process") != "SINGLE":
        return False
    if _SINGLE_PARTICLES.match(token) and "particle" not in result.physics:
        result.physics["particle"] = token
        return True
    if _GUN_ENERGY.match(token) and "gun_energy" not in result.physics:
        result.physics["gun_energy"] = token
        return True
    return False


def _single_particle_defaults(result: Inference) -> None:
    """A particle gun has no beams and no event generator: conventions, not readings."""
    if result.physics.get("process") != "SINGLE":
        return
    result.physics.setdefault("beam_energy_electron", "N/A")
    result.physics.setdefault("beam_energy_hadron", "N/A")
    result.found("beams", Provenance.DEFAULT)
    if "generator" not in result.evgen:
        result.evgen["generator"] = "particle_gun"
        result.found("generator", Provenance.DEFAULT)


def _apply_manifest(result: Inference, manifest: str, path_generator: str | None) -> None:
    """The generator a manifest's file name starts with (the path's wins when both name one)."""
    found = generator_in_name(manifest) if manifest else None
    if found is None:
        return
    name, version = found
    if path_generator and path_generator != name:
        result.notes.append(
            f"the manifest name says {name} but the path says {path_generator}; the path wins"
        )
        return
    if result.evgen.get("generator") == name:
        result.corroborated.add("generator")
    result.evgen.setdefault("generator", name)
    result.found("generator", Provenance.MANIFEST)
    if version and "generator_version" not in result.evgen:
        result.evgen["generator_version"] = version
        result.found("generator_version", Provenance.MANIFEST)


def _apply_release(result: Inference, release_url: str | None, generator_text: str | None) -> None:
    if release_url:
        _read_release(result, release_url.strip())
    if generator_text and not result.evgen.get("generator"):
        found_text = split_generator(generator_text.strip().replace(" ", ""))
        if found_text is not None:
            result.evgen["generator"] = found_text[0]
            result.found("generator", Provenance.REQUEST)
            if found_text[1]:
                result.evgen["generator_version"] = found_text[1]
                result.found("generator_version", Provenance.REQUEST)
    if result.evgen.get("generator") and not result.evgen.get("generator_version"):
        result.notes.append(
            f"generator {result.evgen['generator']} has no version in the path or release tag; "
            "it is left open (never guessed)"
        )


def _read_release(result: Inference, url: str) -> None:
    release = release_from_url(url)
    if release is None:
        if url.startswith(("http://", "https://")):
            result.release_url = url
            result.notes.append("release URL carries no recognisable version tag")
        return
    result.release_url = url
    repo, tag = release
    found = _release_generator(repo, tag)
    if found is None:
        result.notes.append("release URL carries no recognisable version tag")
        return
    name, version = found
    if name is not None:
        _merge_release(result, name, version)
    elif result.evgen.get("generator_version") is not None:
        _compare_version(result, version)
    else:
        result.notes.append(
            f"the release repository {repo} is not named after a generator; its tag {tag} is "
            "not taken as the generator version"
        )


def _merge_release(result: Inference, name: str, version: str) -> None:
    if result.evgen.get("generator") == name:
        result.corroborated.add("generator")
    result.evgen.setdefault("generator", name)
    result.found("generator", Provenance.RELEASE_URL)
    if result.evgen.get("generator_version") is None:
        result.evgen["generator_version"] = version
        result.found("generator_version", Provenance.RELEASE_URL)
        result.notes.append(f"generator version {version} taken from the release tag")
    else:
        _compare_version(result, version)


def _compare_version(result: Inference, version: str) -> None:
    stated = result.evgen["generator_version"]
    if stated == version:
        result.corroborated.add("generator_version")
    else:
        result.notes.append(
            f"release tag version {version} differs from the path's {stated}; the path wins"
        )


def beams_from_path(path: str) -> str | None:
    """The ``ExH`` beam setting spelled in a path, if exactly one is present."""
    found = {f"{m.group(1)}x{m.group(2)}" for m in _BEAMS.finditer(path.replace("/", "_"))}
    return found.pop() if len(found) == 1 else None
