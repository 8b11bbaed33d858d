"""The inventory: the same media once, and an honest rating of how public it was."""

from __future__ import annotations

from datetime import UTC, datetime

from notrain.audit.inventory import build
from notrain.audit.model import AccountFacts, Exposure, Location, MediaItem, MediaKind


def at(year, month=1, day=1):
    return datetime(year, month, day, tzinfo=UTC)


def item(uri, kind=MediaKind.POST, platform="facebook", **fields):
    return MediaItem(platform=platform, kind=kind, uri=uri, **fields)


def test_the_same_photo_in_an_album_and_as_profile_photo_is_one_public_item():
    album = item(
        "media/a.jpg", MediaKind.ALBUM, album="Summer", source="album/0.json", posted_at=at(2015),
        location=Location(latitude=52.5, longitude=13.4, source="exif"), present=True,
    )  # fmt: skip
    profile = item(
        "media/a.jpg", MediaKind.PROFILE, source="profile_pictures.json", camera="Pixel 7"
    )
    inventory = build([album, profile], [AccountFacts(platform="facebook", layout="facebook-2024")])
    (only,) = inventory.items
    assert only.kind == MediaKind.PROFILE and only.exposure == Exposure.PUBLIC
    # Every field either record had is kept.
    assert only.album == "Summer" and only.camera == "Pixel 7" and only.present
    assert only.location is not None and only.posted_at == at(2015)
    assert only.also_in == ("album (album/0.json)",)


def test_facebook_posts_follow_the_default_audience_as_a_hint():
    post = item("media/b.jpg")
    public = build(
        [post], [AccountFacts(platform="facebook", layout="x", default_audience="Public")]
    )
    # No export records a post's audience: the default is a hint, never a rating.
    assert public.items[0].exposure == Exposure.UNKNOWN
    assert "probably public" in public.items[0].exposure_reason
    friends = build(
        [post], [AccountFacts(platform="facebook", layout="x", default_audience="Friends")]
    )
    assert friends.items[0].exposure == Exposure.UNKNOWN
    assert "Friends" in friends.items[0].exposure_reason
    unknown = build([post], [])
    assert unknown.items[0].exposure == Exposure.UNKNOWN


def test_instagram_follows_the_history_of_privacy_changes():
    account = AccountFacts(
        platform="instagram",
        layout="instagram-2025",
        private_now=True,
        privacy_changes=((at(2019, 6), False), (at(2021, 3), True)),
    )
    posts = [
        item(f"media/{year}.jpg", platform="instagram", posted_at=at(year, 1, 15))
        for year in (2018, 2020, 2022)
    ]
    rated = {i.uri: i for i in build(posts, [account]).items}
    # Before the first change (to public in 2019) it was private; public until March 2021.
    assert rated["media/2018.jpg"].exposure == Exposure.NOT_PUBLIC
    assert rated["media/2020.jpg"].exposure == Exposure.PUBLIC
    assert "2020-01-15" in rated["media/2020.jpg"].exposure_reason
    assert rated["media/2022.jpg"].exposure == Exposure.NOT_PUBLIC
    public_today = AccountFacts(platform="instagram", layout="instagram-2020", private_now=False)
    assert build(posts[:1], [public_today]).items[0].exposure == Exposure.LIKELY
    private_today = AccountFacts(platform="instagram", layout="instagram-2020", private_now=True)
    rated = build(posts[:1], [private_today]).items[0]
    assert rated.exposure == Exposure.UNKNOWN and "may have been public" in rated.exposure_reason
    profile = item("media/me.jpg", MediaKind.PROFILE, platform="instagram")
    assert build([profile], [account]).items[0].exposure == Exposure.PUBLIC


def test_items_without_a_file_are_told_apart_by_moment_and_sorted_by_date():
    first = item("", posted_at=at(2012), caption="one")
    second = item("", posted_at=at(2011), caption="two")
    undated = item("x.jpg")
    inventory = build([first, second, undated], [])
    assert [i.caption or i.uri for i in inventory.items] == ["two", "one", "x.jpg"]
