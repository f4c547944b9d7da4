"""Every youth–mentor pair of a pool that passes the hard constraints, with its score, fast.

`scoring.py` is the reference: pure functions a coordinator can read. This module computes the same
numbers for thousands of pairs at once with NumPy, and a test pins the two together on random pools.

How the candidate pairs are found:
- a youth is only paired with mentors of the same *group* (the association that accepted the
  youth's referral);
- pairs that would meet in person and whose communes are known: a k-d tree on the mentors'
  positions, queried with the largest travel radius, then each mentor's own radius is applied.
  Positions are points on a sphere (chord ≤ arc, so the tree never misses a pair) and the group is
  a fourth coordinate far larger than any radius, so one tree serves every group at once;
- pairs that meet remotely, or where a commune is unknown: every same-group pair (a sorted join);
- then the hard rules (modalities, radius, gender asked by the youth) and the excluded pairs
  (rejected before, paired before) are dropped, and the survivors are scored.

Sets (objectives, subjects, slots, interest words) are bitmasks: an intersection is a bitwise AND
and a count is a popcount.
"""

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from binome.matching.scoring import DEFAULT_WEIGHTS, HYBRID, IDEAL_AGE_GAP, IN_PERSON, REMOTE, Side, _words
from binome.territories.geo import EARTH_RADIUS_KM

MODALITY = {"": 0, IN_PERSON: 1, REMOTE: 2, HYBRID: 3}
GENDER = {"": 0, "f": 1, "m": 2, "x": 3}
GROUP_SPACING_KM = 100_000.0  # farther apart than any travel radius: groups never meet in the tree
CHUNK = 1_000_000  # edges scored at a time, to bound memory


class Vocabulary:
    """Bit positions for the codes and words of a pool. Words only one side uses can never be
    shared, so only words found on both sides get a bit."""

    def __init__(self, youths: list[Side], mentors: list[Side]):
        self.codes = self._index(
            {c for s in youths + mentors for c in (*s.objectives, *s.subjects, *s.availability)}
        )
        self.interests = self._index(
            {w for s in youths for w in _words(s.interests)}
            & {w for s in mentors for w in _words(s.interests)}
        )
        self.languages = self._index(
            {w for s in youths for w in _words(s.languages)}
            & {w for s in mentors for w in _words(s.languages)}
        )

    @staticmethod
    def _index(items) -> dict:
        return {item: i for i, item in enumerate(sorted(items))}


def _mask(items, index: dict) -> int:
    mask = 0
    for item in items:
        bit = index.get(item)
        if bit is not None:
            mask |= 1 << bit
    return mask


def _stack(masks: list[int], words: int) -> np.ndarray:
    """Python-int bitmasks as an (n, words) array of 64-bit words, little end first."""
    out = np.empty((len(masks), words), dtype=np.uint64)
    low = (1 << 64) - 1
    for w in range(words):
        out[:, w] = np.array([(m >> (64 * w)) & low for m in masks], dtype=np.uint64)
    return out


def _words_for(index: dict) -> int:
    return max(1, (len(index) + 63) // 64)


def _located(side: Side) -> bool:
    return side.latitude is not None and side.longitude is not None


@dataclass
class Columns:
    """One side of a pool, column by column."""

    n: int
    group: np.ndarray
    latitude: np.ndarray  # NaN when the commune is unknown
    longitude: np.ndarray
    modality: np.ndarray
    gender: np.ndarray
    gender_preference: np.ndarray
    age: np.ndarray
    travel_km: np.ndarray
    objectives: np.ndarray  # (n, words) bitmasks
    subjects: np.ndarray
    slots: np.ndarray
    interests: np.ndarray
    languages: np.ndarray
    has_languages: np.ndarray

    @classmethod
    def build(cls, sides: list[Side], groups, vocabulary: Vocabulary) -> "Columns":
        codes, interests, languages = (
            _words_for(vocabulary.codes),
            _words_for(vocabulary.interests),
            _words_for(vocabulary.languages),
        )
        n = len(sides)
        return cls(
            n=n,
            group=np.asarray(groups, dtype=np.int64).reshape(n),
            latitude=np.array([s.latitude if _located(s) else np.nan for s in sides], dtype=np.float64),
            longitude=np.array([s.longitude if _located(s) else np.nan for s in sides], dtype=np.float64),
            modality=np.array([MODALITY.get(s.modality, 0) for s in sides], dtype=np.int8),
            gender=np.array([GENDER.get(s.gender, 0) for s in sides], dtype=np.int8),
            gender_preference=np.array([GENDER.get(s.gender_preference, 0) for s in sides], dtype=np.int8),
            age=np.array([s.age for s in sides], dtype=np.int64),
            travel_km=np.array([s.travel_km for s in sides], dtype=np.float64),
            objectives=_stack([_mask(s.objectives, vocabulary.codes) for s in sides], codes),
            subjects=_stack([_mask(s.subjects, vocabulary.codes) for s in sides], codes),
            slots=_stack([_mask(s.availability, vocabulary.codes) for s in sides], codes),
            interests=_stack([_mask(_words(s.interests), vocabulary.interests) for s in sides], interests),
            languages=_stack([_mask(_words(s.languages), vocabulary.languages) for s in sides], languages),
            has_languages=np.array([bool(s.languages) for s in sides], dtype=bool),
        )

    def take(self, index) -> "Columns":
        return Columns(
            n=len(index),
            **{name: getattr(self, name)[index] for name in self.__dataclass_fields__ if name != "n"},
        )


def columns(youths: list[Side], youth_groups, mentors: list[Side], mentor_groups) -> tuple[Columns, Columns]:
    vocabulary = Vocabulary(youths, mentors)
    return Columns.build(youths, youth_groups, vocabulary), Columns.build(mentors, mentor_groups, vocabulary)


def _popcount(a: np.ndarray) -> np.ndarray:
    """Set bits per row of a (n, words) uint64 array."""
    if a.shape[1] == 1:
        return np.bitwise_count(a[:, 0]).astype(np.int64)
    return np.bitwise_count(a).sum(axis=1, dtype=np.int64)


def _sphere(cols: Columns, index: np.ndarray) -> np.ndarray:
    lat, lon = np.radians(cols.latitude[index]), np.radians(cols.longitude[index])
    return np.column_stack(
        [
            EARTH_RADIUS_KM * np.cos(lat) * np.cos(lon),
            EARTH_RADIUS_KM * np.cos(lat) * np.sin(lon),
            EARTH_RADIUS_KM * np.sin(lat),
            cols.group[index] * GROUP_SPACING_KM,
        ]
    )


def _join(youth_index, youth_group, mentor_index, mentor_group):
    """Every (youth, mentor) pair of the same group, without a Python loop."""
    order = np.argsort(mentor_group, kind="stable")
    sorted_groups = mentor_group[order]
    start = np.searchsorted(sorted_groups, youth_group, "left")
    counts = np.searchsorted(sorted_groups, youth_group, "right") - start
    total = int(counts.sum())
    ys = np.repeat(youth_index, counts)
    offsets = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    ms = mentor_index[order[np.repeat(start, counts) + offsets]]
    return ys, ms


def haversine(lat1, lon1, lat2, lon2):
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    a = (
        np.sin((phi2 - phi1) / 2) ** 2
        + np.cos(phi1) * np.cos(phi2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a))


def _radius_classes(travel: np.ndarray, most: int = 8):
    """Mentors grouped by travel radius (at most `most` classes), each queried with its largest radius."""
    values = np.unique(travel)
    if values.size > most:
        values = np.unique(np.quantile(travel, np.linspace(0, 1, most + 1)[1:], method="higher"))
    lower = -np.inf
    for radius in values:
        yield (travel > lower) & (travel <= radius), float(radius)
        lower = radius


def pairs(youths: Columns, mentors: Columns) -> tuple[np.ndarray, np.ndarray]:
    """Same-group pairs whose modalities are compatible and, when they meet in person, within about
    the mentor's radius. The exact radius and the other hard rules are checked when scoring."""
    y_all, m_all = np.arange(youths.n), np.arange(mentors.n)
    in_person, remote = MODALITY[IN_PERSON], MODALITY[REMOTE]
    y_located, m_located = ~np.isnan(youths.latitude), ~np.isnan(mentors.latitude)
    y_meets, m_meets = youths.modality != remote, mentors.modality != remote
    parts = []
    # In person, both communes known: one k-d tree per radius class of mentors.
    ys = y_all[y_meets & y_located]
    if ys.size:
        tree_y = cKDTree(_sphere(youths, ys))
        for in_class, radius in _radius_classes(mentors.travel_km[m_meets & m_located]):
            ms = m_all[m_meets & m_located][in_class]
            found = tree_y.sparse_distance_matrix(
                cKDTree(_sphere(mentors, ms)), radius, output_type="ndarray"
            )
            parts.append((ys[found["i"]], ms[found["j"]]))
    # Every same-group pair: in person with a commune unknown on one side, or remote on one side
    # (a remote youth never meets an in-person-only mentor, and the other way round).
    for y_mask, m_mask in (
        (y_meets & ~y_located, m_meets),
        (y_meets & y_located, m_meets & ~m_located),
        (~y_meets, mentors.modality != in_person),
        (y_meets & (youths.modality != in_person), ~m_meets),
    ):
        ys, ms = y_all[y_mask], m_all[m_mask]
        if ys.size and ms.size:
            parts.append(_join(ys, youths.group[ys], ms, mentors.group[ms]))
    if not parts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return (
        np.concatenate([p[0] for p in parts]).astype(np.int64),
        np.concatenate([p[1] for p in parts]).astype(np.int64),
    )


@dataclass
class Edges:
    youth: np.ndarray
    mentor: np.ndarray
    score: np.ndarray

    @property
    def size(self) -> int:
        return int(self.youth.size)


def _score_chunk(youths: Columns, mentors: Columns, yi, mi, weights: dict):
    """Feasibility mask and scores of the pairs (yi, mi): the vector twin of `scoring.score`."""
    ym, mm = youths.modality[yi], mentors.modality[mi]
    in_person, remote, hybrid = MODALITY[IN_PERSON], MODALITY[REMOTE], MODALITY[HYBRID]
    meets = (ym != remote) & (mm != remote)
    km = haversine(youths.latitude[yi], youths.longitude[yi], mentors.latitude[mi], mentors.longitude[mi])
    known = ~np.isnan(km)
    travel = mentors.travel_km[mi]
    pref, mentor_gender = youths.gender_preference[yi], mentors.gender[mi]
    feasible = ~(((ym == in_person) & (mm == remote)) | ((ym == remote) & (mm == in_person)))
    feasible &= ~(meets & known & (km > travel))
    feasible &= ~((pref != 0) & (mentor_gender != 0) & (pref != mentor_gender))

    with np.errstate(invalid="ignore", divide="ignore"):
        distance = np.where(
            ~meets,
            1.0,
            np.where(~known, 0.5, np.where(km < 1, 1.0, np.maximum(0.0, 1 - km / np.maximum(travel, 1)))),
        )
        y_slots, m_slots = youths.slots[yi], mentors.slots[mi]
        shared_slots = _popcount(y_slots & m_slots)
        availability = np.where(
            (_popcount(y_slots) == 0) | (_popcount(m_slots) == 0),
            0.5,
            np.minimum(1.0, shared_slots / 3),
        )
        y_obj = youths.objectives[yi]
        n_obj = _popcount(y_obj)
        objectives = np.where(n_obj == 0, 0.5, _popcount(y_obj & mentors.objectives[mi]) / n_obj)
        y_sub, m_sub = youths.subjects[yi], mentors.subjects[mi]
        n_sub = _popcount(y_sub)
        with_subjects = (n_obj > 0) & (n_sub > 0) & (_popcount(m_sub) > 0)
        objectives = np.where(
            with_subjects,
            0.8 * objectives + 0.2 * np.minimum(1.0, _popcount(y_sub & m_sub) / n_sub),
            objectives,
        )
    modality = np.where(
        (ym == 0) | (mm == 0),
        0.5,
        np.where(ym == mm, 1.0, np.where((ym == hybrid) | (mm == hybrid), 0.6, 0.0)),
    )
    low, high = IDEAL_AGE_GAP
    gap = mentors.age[mi] - youths.age[yi]
    age_gap = np.where(
        gap < 3,
        0.0,
        np.where(
            (gap >= low) & (gap <= high),
            1.0,
            np.where(gap < low, 0.6, np.maximum(0.2, 1 - (gap - high) / 40)),
        ),
    )
    gender = np.where((pref == 0) | (pref == mentor_gender), 1.0, 0.0)
    interests = np.minimum(1.0, _popcount(youths.interests[yi] & mentors.interests[mi]) / 2)
    shared_languages = _popcount(youths.languages[yi] & mentors.languages[mi])
    languages = np.where(~youths.has_languages[yi], 0.5, np.where(shared_languages > 0, 1.0, 0.0))

    weights = {**DEFAULT_WEIGHTS, **(weights or {})}
    total = (
        weights["distance"] * distance
        + weights["availability"] * availability
        + weights["objectives"] * objectives
        + weights["modality"] * modality
        + weights["age_gap"] * age_gap
        + weights["gender"] * gender
        + weights["interests"] * interests
        + weights["languages"] * languages
    )
    return feasible, np.round(total, 4)


def score_pairs(youths: Columns, mentors: Columns, yi, mi, weights_by_group: dict | None = None):
    """Feasibility and score of given pairs. Weights are per group (per association); a group
    without its own weights uses the defaults."""
    weights_by_group = weights_by_group or {}
    feasible = np.zeros(yi.size, dtype=bool)
    scores = np.zeros(yi.size, dtype=np.float64)
    # Groups sharing the same weights are scored together: most associations keep the defaults.
    weight_sets = [dict(DEFAULT_WEIGHTS)]
    set_of_group = np.zeros(int(youths.group.max(initial=0)) + 1, dtype=np.int64)
    for group, weights in weights_by_group.items():
        weights = {**DEFAULT_WEIGHTS, **weights}
        if weights not in weight_sets:
            weight_sets.append(weights)
        if group < set_of_group.size:
            set_of_group[group] = weight_sets.index(weights)
    if len(weight_sets) == 1:
        batches = [(np.arange(yi.size), weight_sets[0])]
    else:
        edge_set = set_of_group[youths.group[yi]]
        batches = [(np.nonzero(edge_set == k)[0], weights) for k, weights in enumerate(weight_sets)]
    for rows, weights in batches:
        for start in range(0, rows.size, CHUNK):
            part = rows[start : start + CHUNK]
            feasible[part], scores[part] = _score_chunk(youths, mentors, yi[part], mi[part], weights)
    return feasible, scores


def candidate_edges(
    youths: Columns,
    mentors: Columns,
    *,
    weights_by_group: dict | None = None,
    excluded: set | None = None,
) -> Edges:
    """The candidate graph of a pool: feasible same-group pairs, minus the excluded (youth index,
    mentor index) pairs, with their scores."""
    yi, mi = pairs(youths, mentors)
    if excluded:
        keys = yi * mentors.n + mi
        banned = np.fromiter((y * mentors.n + m for y, m in excluded), dtype=np.int64, count=len(excluded))
        keep = ~np.isin(keys, banned)
        yi, mi = yi[keep], mi[keep]
    feasible, scores = score_pairs(youths, mentors, yi, mi, weights_by_group)
    return Edges(yi[feasible], mi[feasible], scores[feasible])


def ranked_mentors(youths: Columns, mentors: Columns, youth: int, *, weights=None, excluded=(), limit=20):
    """The best mentors for one youth, best first: [(mentor index, score)]."""
    mi = np.nonzero(mentors.group == youths.group[youth])[0]
    mi = mi[~np.isin(mi, list(excluded))]
    feasible, scores = _score_chunk(youths, mentors, np.full(mi.size, youth, dtype=np.int64), mi, weights)
    return _best(mi[feasible], scores[feasible], limit)


def ranked_youths(youths: Columns, mentors: Columns, mentor: int, *, weights=None, excluded=(), limit=20):
    """The best youths for one mentor, best first: [(youth index, score)]."""
    yi = np.nonzero(youths.group == mentors.group[mentor])[0]
    yi = yi[~np.isin(yi, list(excluded))]
    feasible, scores = _score_chunk(youths, mentors, yi, np.full(yi.size, mentor, dtype=np.int64), weights)
    return _best(yi[feasible], scores[feasible], limit)


def _best(index, scores, limit):
    order = np.lexsort((index, -scores))[:limit]
    return list(zip(index[order].tolist(), scores[order].tolist(), strict=True))
