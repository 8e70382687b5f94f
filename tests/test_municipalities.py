"""The 388 municipalities of 2017: regions, synthetic omgevingsdiensten, size classes."""

from __future__ import annotations

import numpy as np
import pytest

from govsim.model.municipalities import (
    REPORT_SIZE_COUNTS,
    SIZE_CLASSES,
    MunicipalityArrays,
    load_municipalities,
    select_municipalities,
    size_class_of,
)

FRAME = load_municipalities()


def test_388_unique_municipalities():
    assert len(FRAME) == 388
    assert FRAME["code"].is_unique
    assert FRAME["name"].is_unique
    assert FRAME["code"].str.fullmatch(r"GM\d{4}").all()


def test_12_provinces_42_youth_regions_29_od_clusters():
    assert FRAME["province"].nunique() == 12
    assert FRAME["youth_region"].nunique() == 42
    assert FRAME["od_cluster"].nunique() == 29
    assert sorted(FRAME["od_cluster"].unique()) == list(range(29))
    assert FRAME[["province", "youth_region", "od_cluster"]].notna().all().all()


def test_each_od_cluster_lies_within_one_province():
    provinces_per_cluster = FRAME.groupby("od_cluster")["province"].nunique()
    assert (provinces_per_cluster == 1).all()
    sizes = FRAME.groupby("od_cluster").size()
    assert sizes.min() >= 2  # a cluster is a group of municipalities, not a single one
    assert sizes.sum() == 388


def test_size_class_counts_and_closeness_to_the_report():
    counts = np.bincount(FRAME["size_class"], minlength=len(SIZE_CLASSES))
    assert counts.tolist() == [23, 98, 189, 47, 31]
    assert counts.sum() == sum(REPORT_SIZE_COUNTS)
    assert np.abs(counts - np.array(REPORT_SIZE_COUNTS)).max() <= 2


def test_size_class_boundaries():
    assert size_class_of(np.array([919, 9_999, 10_000, 19_999, 20_000])).tolist() == [
        0,
        0,
        1,
        1,
        2,
    ]
    assert size_class_of(np.array([49_999, 50_000, 99_999, 100_000, 844_947])).tolist() == [
        2,
        3,
        3,
        4,
        4,
    ]
    assert (size_class_of(FRAME["population"].to_numpy()) == FRAME["size_class"]).all()


def test_population_total_and_extremes():
    assert FRAME["population"].sum() == 16_979_120
    assert (FRAME["population"] > 0).all()
    smallest = FRAME.loc[FRAME["population"].idxmin(), "name"]
    largest = FRAME.loc[FRAME["population"].idxmax(), "name"]
    assert smallest == "Schiermonnikoog"
    assert largest == "Amsterdam"


def test_groningen_and_slochteren_are_the_imputed_ones():
    imputed = FRAME[FRAME["population_imputed"]].set_index("name")["population"]
    assert imputed.to_dict() == {"Groningen": 200_952, "Slochteren": 15_698}


def test_youth_regions_are_social_regions_of_several_municipalities():
    sizes = FRAME.groupby("youth_region").size()
    assert sizes.max() > 10
    assert (sizes >= 1).all()


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        (["Utrecht"], 26),
        (["Flevoland"], 6),
        (["Ameland", "Vlieland"], 2),
        (["GM0363"], 1),
    ],
)
def test_selection_by_province_name_or_code(selection, expected):
    frame = select_municipalities(selection)
    assert len(frame) == expected
    assert frame.index.tolist() == list(range(len(frame)))


def test_selecting_a_province_also_matches_its_capital_city_name():
    # "Utrecht" is both a province and a municipality; the municipality is in the province
    frame = select_municipalities(["Utrecht"])
    assert (frame["province"] == "Utrecht").all()
    assert "Utrecht" in set(frame["name"])


def test_arrays_from_a_subset_are_renumbered_densely():
    frame = select_municipalities(["Zeeland", "Flevoland"])
    arrays = MunicipalityArrays.from_frame(frame)
    assert arrays.n == len(frame)
    assert arrays.n_od_clusters == frame["od_cluster"].nunique()
    assert arrays.n_youth_regions == frame["youth_region"].nunique()
    assert sorted(set(arrays.od_cluster.tolist())) == list(range(arrays.n_od_clusters))
    assert sorted(set(arrays.province.tolist())) == [0, 1]
    region, count = arrays.region_of(0)
    assert region is arrays.youth_region and count == arrays.n_youth_regions
    region, count = arrays.region_of(1)
    assert region is arrays.od_cluster and count == arrays.n_od_clusters
