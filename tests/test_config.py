"""Configuration: the production file loads; a malformed file is one clear line."""

import pytest

from conftest import ROOT
from pipelines.config import ConfigError, load_config


def test_production_config_lists_the_real_sources():
    config = load_config(ROOT / "veille.toml")
    assert config.topic.name == "SEC-Pa"
    kinds = {s.kind for s in config.sources}
    assert {"rss", "google_news", "bing_news"} <= kinds
    urls = {s.url for s in config.sources}
    assert "https://www.lemonde.fr/sante/rss_full.xml" in urls
    assert all(u.startswith("https://") for u in urls)
    assert len({s.name for s in config.sources}) == len(config.sources)


@pytest.mark.parametrize("body, message", [
    ("[topic\nname = 1", "TOML invalide"),
    ('[storage]\ndatabase = "x.db"\n', "topic: table obligatoire absente"),
    ('[topic]\nname = "X"\nlong_forms = ["a b"]\n', "topic.acronyms: clé obligatoire absente"),
    ('[topic]\nname = "X"\nacronyms = []\nlong_forms = ["a b"]\n', "topic.acronyms: la liste ne peut pas être vide"),
    ('[topic]\nname = "X"\nacronyms = ["X"]\nlong_forms = ["a b"]\n[[sources]]\nname = "s"\nkind = "rss"\nurl = "ftp://x"\n',
     "sources[0] (s).url: URL http(s) attendue, pas 'ftp://x'"),
    ('[topic]\nname = "X"\nacronyms = ["X"]\nlong_forms = ["a b"]\n[[sources]]\nname = "s"\nkind = "rss"\nurl = "https://x"\ncadence = "souvent"\n',
     "sources[0] (s).cadence: une valeur parmi"),
    ('[topic]\nname = "X"\nacronyms = ["X"]\nlong_forms = ["a b"]\n[crawl]\ndownload_delay = "vite"\n',
     "crawl.download_delay: nombre attendu, pas 'vite'"),
    ('[topic]\nname = "X"\nacronyms = ["X"]\nlong_forms = ["a b"]\n[[sources]]\nname = "s"\nkind = "rss"\nurl = "https://x"\n[[sources]]\nname = "s"\nkind = "rss"\nurl = "https://y"\n',
     "sources: nom en double 's'"),
])
def test_malformed_config_is_one_line_naming_file_and_key(tmp_path, body, message):
    path = tmp_path / "veille.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    text = str(error.value)
    assert text.startswith(f"{path}: ") and message in text and "\n" not in text


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="fichier de configuration introuvable"):
        load_config(tmp_path / "absent.toml")


def test_topic_structures_are_name_and_city_and_a_bad_entry_names_its_key(tmp_path):
    head = '[topic]\nname = "X"\nacronyms = ["X"]\nlong_forms = ["a b"]\n'
    path = tmp_path / "veille.toml"
    path.write_text(head + 'structures = [{ name = "Centre A", ville = "Lyon" }]\n', encoding="utf-8")
    structure = load_config(path).topic.structures[0]
    assert (structure.name, structure.ville) == ("Centre A", "Lyon")
    path.write_text(head + 'structures = [{ name = "Centre A", ville = "Lyon" }, { name = "Centre B" }]\n', encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(error.value) == f"{path}: topic.structures[1].ville: clé obligatoire absente"
    path.write_text(head + 'structures = [{ name = "Centre A", ville = " " }]\n', encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(error.value) == f"{path}: topic.structures[0].ville: texte non vide attendu"


# ---------------------------------------------------------------- one schema for every section

def _variant(tmp_path, old: str, new: str, count: int = 1):
    """The production file with one edit (which must apply), written to tmp_path."""
    text = (ROOT / "veille.toml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "veille.toml"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return path


def _error(path) -> str:
    with pytest.raises(ConfigError) as error:
        load_config(path)
    text = str(error.value)
    assert "\n" not in text
    return text


def test_production_config_carries_typed_settings():
    config = load_config(ROOT / "veille.toml")
    base = (ROOT / "veille.toml").absolute().parent
    assert (config.mail.host, config.mail.port, config.mail.tls, config.mail.recipients) == ("", 587, "starttls", ())
    assert config.mail.subject_prefix == "[Veille SEC-Pa]" and not config.mail.configured
    assert config.digest.weekday == 0 and config.digest.max_items == 25
    assert config.digest.formats == ("html", "md", "csv", "json")
    assert config.digest.out_dir == base / "data" / "digests"
    assert config.nightly.lock_file == base / "data" / "nightly.lock"
    assert config.nightly.max_consecutive_failures == 3
    assert not hasattr(config, "sections")


@pytest.mark.parametrize("old, new, line", [
    ('name = "lemonde_sante"', 'name = "lemonde_sante"\nenabeld = false',
     "sources[3] (lemonde_sante).enabeld: clé inconnue — vouliez-vous dire « enabled » ?"),
    ("[mail]\n", '[mail]\nrecipents = ["equipe@secpa.example"]\n',
     "mail.recipents: clé inconnue — vouliez-vous dire « recipients » ?"),
    ("[nightly]\n", "[nighty]\n", "nighty: clé inconnue — vouliez-vous dire « nightly » ?"),
    ("retry_times = 2\n", "retry_times = 2\nretry_time = 3\n",
     "crawl.retry_time: clé inconnue — vouliez-vous dire « retry_times » ?"),
    ('structures = []', 'structures = [{ name = "Centre A", vile = "Lyon" }]',
     "topic.structures[0].vile: clé inconnue — vouliez-vous dire « ville » ?"),
    ('kind = "google_news"', 'kind = "rsss"',
     "sources[0] (google_news_secpa).kind: kind inconnu 'rsss' — vouliez-vous dire « rss » ?"),
])
def test_unknown_keys_are_refused_with_the_nearest_name(tmp_path, old, new, line):
    path = _variant(tmp_path, old, new)
    assert _error(path) == f"{path}: {line}"


def test_an_option_of_another_kind_is_refused_with_the_options_of_this_kind(tmp_path):
    path = _variant(tmp_path, 'name = "lemonde_sante"', 'name = "lemonde_sante"\nmax_mb = 5')
    assert _error(path) == (f"{path}: sources[3] (lemonde_sante).max_mb: clé inconnue (clés possibles : name, kind, "
                            "url, label, cadence, enabled, articles, article_max_bytes)")


@pytest.mark.parametrize("old, new, line", [
    ("legislature = 17", 'legislature = 17\nmax_mb = "big"',
     "sources[23] (an_questions_ecrites).max_mb: nombre entier attendu, pas 'big'"),
    ("legislature = 17", 'legislature = 17\nbackfill = "16"',
     "sources[23] (an_questions_ecrites).backfill: liste attendue, pas '16'"),
    ("legislature = 17", "legislature = 0",
     "sources[23] (an_questions_ecrites).legislature: nombre strictement positif attendu, pas 0"),
    ("days_back = 1", 'days_back = "x"', "sources[26] (an_amendements).days_back: nombre entier attendu, pas 'x'"),
    ('\nmode = "zip"', '\nmode = "zipp"',
     "sources[27] (an_amendements_archive).mode: une valeur parmi index, zip attendue, pas 'zipp'"
     " — vouliez-vous dire « zip » ?"),
    ('name = "lemonde_sante"', 'name = "lemonde_sante"\narticles = "parfois"',
     "sources[3] (lemonde_sante).articles: une valeur parmi auto, always, never attendue, pas 'parfois'"),
    ('item = "div.fr-card"', 'item = "div[[["',
     "sources[38] (sante_gouv_communiques).item: sélecteur CSS invalide : 'div[[['"),
    ('link = "h3.fr-card__title a::attr(href)"', 'link = "h3 a::attr(href"',
     "sources[38] (sante_gouv_communiques).link: sélecteur CSS invalide : 'h3 a::attr(href'"),
    ('item = "div.fr-card"\n', "",
     "sources[38] (sante_gouv_communiques).item: clé obligatoire absente"),
    ('label = "Google News : SEC-Pa (sigles)"', "label = { a = 1 }",
     "sources[0] (google_news_secpa).label: texte non vide attendu"),
    ('enabled = false', 'enabled = "non"', "sources[27] (an_amendements_archive).enabled: true ou false attendu, pas 'non'"),
    ('url = "https://www.lemonde.fr/sante/rss_full.xml"', 'url = "https://exa mple.com/<rss>"',
     "sources[3] (lemonde_sante).url: URL http(s) attendue, pas 'https://exa mple.com/<rss>'"),
])
def test_source_options_are_typed_per_kind_when_the_file_is_loaded(tmp_path, old, new, line):
    path = _variant(tmp_path, old, new)
    assert _error(path) == f"{path}: {line}"


def test_source_options_hold_the_checked_values_the_file_sets_and_nothing_else(tmp_path):
    path = _variant(tmp_path, 'legislature = 17', 'legislature = 17\nbackfill = [16]\nmax_mb = 50')
    sources = {s.name: s for s in load_config(path).sources}
    assert sources["an_questions_ecrites"].options == {"legislature": 17, "backfill": [16], "max_mb": 50}
    assert sources["an_amendements"].options == {"days_back": 1, "legislature": 17}
    assert sources["lemonde_sante"].options == {}
    assert sources["fecop_actualites"].options["title"] == "a.news-link h3::text"
    assert "max_items" not in sources["fecop_actualites"].options  # the spider's default applies


def test_a_source_without_label_is_labelled_by_its_name(tmp_path):
    path = tmp_path / "veille.toml"
    path.write_text('[topic]\nname = "X"\nacronyms = ["X"]\nlong_forms = ["a b"]\n'
                    '[[sources]]\nname = "flux"\nkind = "rss"\nurl = "https://x.example/rss"\n', encoding="utf-8")
    (source,) = load_config(path).sources
    assert (source.label, source.cadence, source.enabled, source.options) == ("flux", "daily", True, {})


def test_every_spider_kind_has_a_schema_and_no_other():
    import importlib
    import pkgutil

    import spiders
    from pipelines.config_schema import KIND_MODELS
    from spiders.base import VeilleSpider

    served = set()
    for module in pkgutil.iter_modules(spiders.__path__):
        loaded = importlib.import_module(f"spiders.{module.name}")
        for value in vars(loaded).values():
            if isinstance(value, type) and issubclass(value, VeilleSpider):
                served |= value.source_kinds
    assert served == set(KIND_MODELS)


@pytest.mark.parametrize("old, new, line", [
    ("port = 587", 'port = "abc"', "mail.port: nombre entier attendu, pas 'abc'"),
    ("port = 587", "port = 70000", "mail.port: nombre inférieur ou égal à 65535 attendu, pas 70000"),
    ('\ntls = "starttls"', '\ntls = "maybe"', "mail.tls: une valeur parmi starttls, ssl, none attendue, pas 'maybe'"),
    ("recipients = []", 'recipients = ["equipe"]', "mail.recipients[0]: adresse électronique attendue, pas 'equipe'"),
    ("[mail]\n", "[mail]\ntimeout = -5\n", "mail.timeout: nombre strictement positif attendu, pas -5"),
    ('weekday = "lundi"', 'weekday = "lundy"',
     "digest.weekday: une valeur parmi lundi, mardi, mercredi, jeudi, vendredi, samedi, dimanche attendue, "
     "pas 'lundy' — vouliez-vous dire « lundi » ?"),
    ('formats = ["html", "md", "csv", "json"]', 'formats = ["html", "pdf"]',
     "digest.formats[1]: une valeur parmi html, md, csv, json attendue, pas 'pdf'"),
    ("max_items = 25", "max_items = true", "digest.max_items: nombre entier attendu, pas True"),
    ('public_url = "http://127.0.0.1:8001"', 'public_url = "127.0.0.1:8001"',
     "site.public_url: URL http(s) attendue, pas '127.0.0.1:8001'"),
    ("max_consecutive_failures = 3", 'max_consecutive_failures = "3"',
     "nightly.max_consecutive_failures: nombre entier attendu, pas '3'"),
    ("retry_times = 2", "retry_times = 2.7", "crawl.retry_times: nombre entier attendu, pas 2.7"),
    ('database = "data/veille.db"', "database = 42", "storage.database: texte non vide attendu"),
])
def test_mail_digest_and_nightly_types_are_checked_by_load_config(tmp_path, old, new, line):
    path = _variant(tmp_path, old, new)
    assert _error(path) == f"{path}: {line}"


def test_mail_defaults_follow_the_tls_mode_and_paths_the_config_folder(tmp_path):
    path = _variant(tmp_path, '\ntls = "starttls"\n', '\ntls = "SSL"\nca_file = "certs/ca.pem"\n')
    path.write_text(path.read_text(encoding="utf-8").replace("port = 587\n", "")
                    .replace("recipients = []", 'recipients = "equipe@secpa.example"'), encoding="utf-8")
    mail = load_config(path).mail
    assert (mail.tls, mail.port) == ("ssl", 465)
    assert mail.ca_file == tmp_path / "certs" / "ca.pem"
    assert mail.recipients == ("equipe@secpa.example",) and mail.configured is False


def test_veille_db_moves_the_database_and_the_default_lock(tmp_path, monkeypatch):
    path = _variant(tmp_path, 'lock_file = "data/nightly.lock"\n', "")
    monkeypatch.setenv("VEILLE_DB", str(tmp_path / "srv" / "watch.db"))
    config = load_config(path)
    assert config.database == tmp_path / "srv" / "watch.db"
    assert config.nightly.lock_file == tmp_path / "srv" / "nightly.lock"


def test_every_problem_is_listed_and_the_first_is_the_message(tmp_path):
    path = _variant(tmp_path, "port = 587", 'port = "abc"')
    path.write_text(path.read_text(encoding="utf-8").replace('name = "lemonde_sante"',
                                                             'name = "lemonde_sante"\nenabeld = false'), encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert error.value.problems == [
        f"{path}: sources[3] (lemonde_sante).enabeld: clé inconnue — vouliez-vous dire « enabled » ?",
        f"{path}: mail.port: nombre entier attendu, pas 'abc'",
    ]
    assert str(error.value) == error.value.problems[0]


def test_the_public_address_is_site_public_url_and_the_old_digest_name_still_reads(tmp_path):
    from conftest import write_config

    path = write_config(tmp_path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('public_url = "http://127.0.0.1:8001"', 'public_url = "https://veille.secpa.example/"'),
                    encoding="utf-8")
    assert load_config(path).digest.site_url == "https://veille.secpa.example"
    path.write_text(text.replace('public_url = "http://127.0.0.1:8001"', 'public_url = ""')
                    .replace("[digest]\n", '[digest]\nsite_url = "https://ancienne.example"\n', 1), encoding="utf-8")
    assert load_config(path).digest.site_url == "https://ancienne.example"
