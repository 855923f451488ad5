"""What a dataset path and a release URL say about physics, generator and sample.

Inference never guesses: a generator version is taken only when the path or the release tag
spells it out, and every path token that no rule consumed ends up in the sample (or is
reported), so two different paths never collapse into one identity silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlparse

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


def _evgen_from_release(url: str, path_generator: str | None) -> tuple[str, str] | None:
    release = release_from_url(url)
    if release is None:
        return None
    repo, tag = release
    found = split_generator(tag)
    if found and found[1]:
        return found
    bare = _RELEASE_TAG.match(tag)
    if bare is None:
        return None
    generator = path_generator or (split_generator(repo) or (repo, ""))[0]
    return generator, bare.group(1)


def _strip_extension(token: str) -> str:
    for ext in EVGEN_EXTENSIONS:
        if token.endswith(ext):
            return token[: -len(ext)]
    return token


def infer(
    path: str, release_url: str | None = None, generator_text: str | None = None
) -> Inference:
    """Derive physics, evgen and background parameters and a sample from a dataset path."""
    result = Inference(path=path)
    clean = path.strip()
    at = clean.find(EVGEN_MARKER)
    if at < 0:
        result.notes.append("path is not under an /EVGEN/ tree; nothing derived from it")
        _apply_release(result, release_url, generator_text, None)
        return result
    result.is_evgen_path = True
    tokens = [t for t in clean[at + len(EVGEN_MARKER) :].split("/") if t]
    if not tokens:
        return result
    area, rest = tokens[0], tokens[1:]
    leftovers: list[str] = []
    path_generator: str | None = None

    if area == "BACKGROUNDS" and rest:
        result.physics["process"] = ""
        result.background["background_type"] = rest[0]
        rest = rest[1:]
    elif area in AREA_PROCESSES:
        result.physics["process"] = AREA_PROCESSES[area]
    elif area in ("EXCLUSIVE", "SIDIS") and rest:
        sub = re.sub(r"_ABCONV$", "", rest[0])
        if area == "SIDIS":
            known = {"D0": "SIDIS_D0", "DIJET": "SIDIS_DIJET", "Lc": "SIDIS_Lc"}
            if sub in known:
                result.physics["process"] = known[sub]
                rest = rest[1:]
            else:
                result.physics["process"] = "SIDIS"
        else:
            result.physics["process"] = sub
            rest = rest[1:]
    else:
        result.physics["process"] = area
        result.notes.append(f"unknown area '{area}'; process taken verbatim")

    for index, raw in enumerate(rest):
        token = _strip_extension(raw)
        if result.physics.get("process") in ("DIS",) and token in ("NC", "CC"):
            result.physics["process"] = f"DIS_{token}"
            continue
        generator = split_generator(token)
        if generator is not None:
            name, version = generator
            path_generator = name
            result.evgen["generator"] = name
            if version:
                result.evgen["generator_version"] = version
            elif index + 1 < len(rest) and _RELEASE_TAG.match(rest[index + 1]):
                pass  # the next token carries the version (pythia6-eic/1.0.0)
            continue
        if path_generator and "generator_version" not in result.evgen:
            bare = _RELEASE_TAG.match(token)
            if bare is not None:
                result.evgen["generator_version"] = bare.group(1)
                continue
        beams = _BEAMS.search(token)
        if beams is not None:
            target = result.background if "background_type" in result.background else result.physics
            target["beam_energy_electron"] = beams.group(1)
            target["beam_energy_hadron"] = beams.group(2)
            remainder = (token[: beams.start()] + token[beams.end() :]).strip("_")
            if remainder:
                leftovers.append(remainder)
            continue
        if token in _SPECIES and "beam_species" not in result.physics:
            result.physics["beam_species"] = token
            continue
        if token in _NUCLEON and "beam_species" in result.physics:
            result.physics["nucleon"] = token
            continue
        if _Q2.match(token):
            result.physics["q2_range"] = token
            continue
        if token in _RADIATIVE:
            result.evgen["radiative"] = _RADIATIVE[token]
            continue
        if token in _PHYSICS_WORDS and _PHYSICS_WORDS[token] not in result.physics:
            result.physics[_PHYSICS_WORDS[token]] = token
            continue
        if "background_type" in result.background:
            if token in _BG_SOURCES and "bg_source" not in result.background:
                result.background["bg_source"] = token
                continue
            if token in _BG_MECHANISMS:
                result.background["bg_mechanism"] = token
                continue
            gun = _GUN_ENERGY.match(token)
            if gun is not None and "beam_energy" not in result.background:
                result.background["beam_energy"] = token
                continue
        if result.physics.get("process") == "SINGLE":
            if _SINGLE_PARTICLES.match(token) and "particle" not in result.physics:
                result.physics["particle"] = token
                continue
            if _GUN_ENERGY.match(token) and "gun_energy" not in result.physics:
                result.physics["gun_energy"] = token
                continue
        leftovers.append(token)

    if result.physics.get("process") == "SINGLE":
        result.physics.setdefault("beam_energy_electron", "N/A")
        result.physics.setdefault("beam_energy_hadron", "N/A")
        result.evgen.setdefault("generator", "particle_gun")
    if "background_type" in result.background and path_generator:
        result.background["bg_generator"] = path_generator
    _apply_release(result, release_url, generator_text, path_generator)
    sample = ".".join(_SAMPLE_UNSAFE.sub("_", t).strip("._") for t in leftovers)
    result.sample = re.sub(r"\.{2,}", ".", sample).strip(".")
    return result


def _apply_release(
    result: Inference,
    release_url: str | None,
    generator_text: str | None,
    path_generator: str | None,
) -> None:
    if release_url:
        found = _evgen_from_release(release_url, path_generator)
        if found is not None:
            name, version = found
            result.evgen.setdefault("generator", name)
            if "generator_version" not in result.evgen and version:
                result.evgen["generator_version"] = version
                result.notes.append(f"generator version {version} taken from the release tag")
            elif version and result.evgen.get("generator_version") not in (version, None):
                result.notes.append(
                    f"release tag version {version} differs from the path's "
                    f"{result.evgen.get('generator_version')}; the path wins"
                )
            result.release_url = release_url.strip()
        elif release_url.strip().startswith(("http://", "https://")):
            result.release_url = release_url.strip()
            result.notes.append("release URL carries no recognisable version tag")
    if generator_text and not result.evgen.get("generator"):
        found_text = split_generator(generator_text.strip().replace(" ", ""))
        if found_text is not None:
            result.evgen["generator"] = found_text[0]
            if found_text[1]:
                result.evgen["generator_version"] = found_text[1]
    if result.evgen.get("generator") and not result.evgen.get("generator_version"):
        result.notes.append(
            f"generator {result.evgen['generator']} has no version in the path or release tag; "
            "it is left open (never guessed)"
        )


def beams_from_path(path: str) -> str | None:
    """The ``ExH`` beam setting spelled in a path, if exactly one is present."""
    found = {f"{m.group(1)}x{m.group(2)}" for m in _BEAMS.finditer(path.replace("/", "_"))}
    return found.pop() if len(found) == 1 else None
