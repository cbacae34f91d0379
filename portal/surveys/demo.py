"""Reproducible SKM demo answers, stored through the survey service like a form sent at the counter.

Each answer is a JSON-like dict validated by validation.validate_api and stored by services.submit
with the day it was given, so the demo IKM is computed from data the public form could have produced.
"""
from __future__ import annotations

import random
from datetime import date, timedelta

from .. import catalog
from ..catalog import SKM_UNSUR_KEYS
from . import services, validation

# Most users are satisfied; the waiting time and the fee unsur (u3, u4) score a little lower, as in
# real offices, so the report's "three weakest" has something to show.
SCORES = (1, 2, 3, 4)
WEIGHTS = {"default": (2, 8, 50, 40), "u3": (4, 18, 52, 26), "u4": (3, 14, 50, 33)}
SUGGESTIONS = (
    "Ruang tunggu mohon ditambah kursi dan kipas angin.",
    "Informasi persyaratan di papan pengumuman sudah jelas, terima kasih.",
    "Antrean online sebaiknya dibuka lebih pagi.",
    "Petugas ramah dan cepat, pertahankan.",
)


def answer(rng: random.Random) -> dict:
    data = {"service": rng.choice(sorted(catalog.COMPLAINT_SERVICES)),
            "answers": {k: rng.choices(SCORES, weights=WEIGHTS.get(k, WEIGHTS["default"]))[0]
                        for k in SKM_UNSUR_KEYS}}
    for field, codes in validation.PROFILE.items():
        if rng.random() < 0.8:  # the profile is optional: some leave it blank
            data[field] = rng.choice(sorted(codes))
    if rng.random() < 0.15:
        data["suggestion"] = rng.choice(SUGGESTIONS)
    return data


def seed_skm(month_starts: list[date], today: date, per_month: int, rng: random.Random) -> int:
    created = 0
    for start in month_starts:
        end = min(today, (start.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1))
        for _ in range(per_month):
            day = start + timedelta(days=rng.randint(0, (end - start).days))
            clean, errors = validation.validate_api(answer(rng))
            if errors:  # the demo must only produce answers the public API accepts
                raise ValueError(errors)
            services.submit(clean, on=day)
            created += 1
    return created
