"""The synthetic population: every person's identity, address, contacts and labs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vigie.synth import contacts, households, identities, labs, places, pools

LEAK_SHARE = 0.78  # share of registry patients who are in the leak


@dataclass
class Population:
    hh: households.Households
    names: identities.Names
    nirs: identities.Nirs
    holder: np.ndarray  # index of the person whose NIR the lab records carry, -1 = own
    leak_addr: places.Addresses  # the address at the time of the leak
    current_addr: places.Addresses  # the address today (the registry's)
    moved: np.ndarray
    registry_usage: np.ndarray  # usage name today (married/divorced since the leak)
    phone: np.ndarray
    email: np.ndarray
    blood: np.ndarray
    lab: np.ndarray
    lab2: np.ndarray
    in_leak: np.ndarray
    labs: list[labs.Lab]

    def __len__(self) -> int:
        return len(self.hh)

    @property
    def recorded_nir(self) -> np.ndarray:
        """The NIR lab systems hold for each person (a parent's for most minors)."""
        return np.where(self.holder >= 0, self.nirs.own[np.maximum(self.holder, 0)], self.nirs.own)

    @property
    def person_id(self) -> np.ndarray:
        return np.array([f"P{i + 1:07d}" for i in range(len(self))], dtype=object)


def build(
    seed_seq: np.random.SeedSequence, persons: int, leak_share: float = LEAK_SHARE
) -> Population:
    """`persons` people in the leak plus those of the labs' registries who are not."""
    streams = [np.random.default_rng(s) for s in seed_seq.spawn(8)]
    total = int(np.ceil(persons / leak_share))
    hh = _trim(households.build(streams[0], total), total)
    addr_h = places.household_addresses(streams[1], hh.n_households)
    leak_addr = addr_h.take(hh.household)
    moved_h = streams[1].random(hh.n_households) < 0.08
    new_h = places.moved_addresses(streams[1], addr_h)
    moved = moved_h[hh.household]
    current = places.Addresses(
        np.where(moved, new_h.commune[hh.household], leak_addr.commune),
        np.where(moved, new_h.line1[hh.household], leak_addr.line1),
        np.where(moved, new_h.line2[hh.household], leak_addr.line2),
    )
    home_dep = pools.communes().dep[leak_addr.commune]
    names = identities.build_names(streams[2], hh)
    nirs = identities.build_nirs(streams[3], hh, home_dep)
    holder = identities.holders(streams[3], hh, nirs)
    phone = contacts.phones(streams[4], hh, home_dep)
    used = np.where(names.usage_name != "", names.usage_name, names.birth_name)
    email = contacts.emails(streams[4], hh, names.first_name, used)
    blood = contacts.blood_groups(streams[4], len(hh))
    lab_list = labs.build_labs()
    lab = labs.usual_labs(streams[5], lab_list, addr_h.commune)[hh.household]
    lab2 = labs.second_labs(streams[5], lab_list, lab)
    in_leak = _leak_selection(streams[6], hh, persons)
    registry_usage = _usage_changes(streams[7], hh, names)
    return Population(
        hh,
        names,
        nirs,
        holder,
        leak_addr,
        current,
        moved,
        registry_usage,
        phone,
        email,
        blood,
        lab,
        lab2,
        in_leak,
        lab_list,
    )


def _trim(hh: households.Households, total: int) -> households.Households:
    """Keep whole households up to `total` persons (the last one cut to fit)."""
    keep = slice(0, total)
    n_h = int(hh.household[total - 1]) + 1
    return households.Households(
        hh.household[keep],
        hh.role[keep],
        hh.female[keep],
        hh.birth[keep],
        hh.married[keep],
        hh.deceased[keep],
        hh.death[keep],
        n_h,
    )


def _leak_selection(
    rng: np.random.Generator, hh: households.Households, persons: int
) -> np.ndarray:
    """Exactly `persons` in the leak, chosen household by household."""
    order = rng.permutation(hh.n_households)
    size = np.bincount(hh.household, minlength=hh.n_households)
    cum = np.cumsum(size[order])
    cut = int(np.searchsorted(cum, persons))
    chosen = np.zeros(hh.n_households, dtype=bool)
    chosen[order[: cut + 1]] = True
    in_leak = chosen[hh.household]
    extra = int(in_leak.sum()) - persons
    if extra > 0:
        last = np.flatnonzero(hh.household == order[cut])
        in_leak[last[-extra:]] = False
    return in_leak


def _usage_changes(
    rng: np.random.Generator, hh: households.Households, names: identities.Names
) -> np.ndarray:
    """Usage names today: some women married since (new name), some divorced (dropped)."""
    usage = names.usage_name.copy()
    adult_f = hh.female & ~hh.minor
    r = rng.random(len(hh))
    married = adult_f & (usage == "") & (r < 0.02)
    sp = pools.surnames()
    usage[married] = sp.names[sp.sample(rng, int(married.sum()))]
    divorced = adult_f & (usage != "") & (r > 0.985)
    usage[divorced] = ""
    return usage
