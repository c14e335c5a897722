# ruff: noqa: E501 - scenario tables read best one per line
"""Hand-written scenario tables for the differential tests (spec sections 2-4, 9, 12-14, 19).

Each table is a list of ``(id, scenario)``; see ``oracle.py`` for the shape.
Secret values contain ``SECRET`` or ``TOKEN`` so the harness can check that
none of them reaches one of our messages.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

Scenario = Dict[str, Any]
Table = List[Tuple[str, Scenario]]

CREDS = ".aws/credentials"
CONFIG = ".aws/config"
ENV_CREDS = {"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "SECRETenv01"}


def keys(tag: str, token: bool = False) -> str:
    """Static keys for a section, unique per ``tag``."""
    text = "aws_access_key_id = AKID%s\naws_secret_access_key = SECRET%s01\n" % (tag, tag)
    if token:
        text += "aws_session_token = TOKEN%s01\n" % tag
    return text


def sc(
    files: Optional[Dict[str, Any]] = None,
    env: Optional[Dict[str, str]] = None,
    profile: Optional[str] = None,
    region: bool = False,
) -> Scenario:
    return {"files": files or {}, "env": env or {}, "profile": profile, "region": region}


# -- section 3.8: the INI grammar --------------------------------------------------------------

K = "aws_access_key_id = AKIDINI\naws_secret_access_key = SECRETini01\n"

#: (id, file contents) — each is read as the credentials file, the config file and the boto file.
INI_TEXTS: List[Tuple[str, Any]] = [
    ("empty", ""),
    ("only-comments", "# one\n; two\n"),
    ("plain", "[default]\n" + K),
    ("full-line-comments", "# c\n[default]\n; c\n" + K + "# end\n"),
    ("indented-comment", "[default]\n" + K + "   # indented comment\n"),
    (
        "inline-comment-kept",
        "[default]\naws_access_key_id = AKID # c\naws_secret_access_key = SECRETx01 ; c\n",
    ),
    (
        "colon-delimiter",
        "[default]\naws_access_key_id: AKIDCOLON\naws_secret_access_key: SECRETcolon\n",
    ),
    (
        "first-delimiter-wins",
        "[default]\naws_access_key_id : AK=ID\naws_secret_access_key = SE:CRET99\n",
    ),
    ("upper-keys", "[default]\nAWS_ACCESS_KEY_ID = AKIDUP\nAws_Secret_Access_Key = SECRETup01\n"),
    ("key-with-spaces", "[default]\nmy key = v\n" + K),
    (
        "key-spaces-around",
        "[default]\n  aws_access_key_id   =   AKIDSP  \naws_secret_access_key=SECRETsp01\n",
    ),
    (
        "continuation",
        "[default]\naws_access_key_id = AKID\n  more\naws_secret_access_key = SECRETc01\n",
    ),
    (
        "continuation-swallows-option",
        "[default]\nregion = us-east-1\n   aws_access_key_id = AKIDX\n",
    ),
    (
        "blank-line-in-value",
        "[default]\naws_access_key_id = AKID\n\n  tail\naws_secret_access_key = SECRETb01\n",
    ),
    (
        "tab-continuation",
        "[default]\naws_access_key_id = AKID\n\tmore\naws_secret_access_key = SECRETt01\n",
    ),
    (
        "nested-block",
        "[default]\n" + K + "s3 =\n  addressing_style = path\n  Signature_Version = s3v4\n",
    ),
    ("nested-block-colon", "[default]\n" + K + "s3 =\n  a: b = c\n"),
    ("nested-bad-line", "[default]\n" + K + "s3 =\n  not a pair\n"),
    (
        "nested-value-as-key",
        "[default]\naws_access_key_id =\n   foo\naws_secret_access_key = SECRETn01\n",
    ),
    (
        "nested-dict-as-key",
        "[default]\naws_access_key_id =\n   a = b\naws_secret_access_key = SECRETn02\n",
    ),
    ("bom", b"\xef\xbb\xbf[default]\n" + K.encode()),
    ("latin1-bytes", b"[default]\naws_access_key_id = AK\xe9\naws_secret_access_key = SECRETl01\n"),
    ("utf8-non-ascii", "[default]\naws_access_key_id = AKIDé\naws_secret_access_key = SECRETü01\n"),
    ("crlf", "[default]\r\naws_access_key_id = AKIDCRLF\r\naws_secret_access_key = SECRETcrlf\r\n"),
    ("cr-only", "[default]\raws_access_key_id = AKIDCR\raws_secret_access_key = SECRETcr01\r"),
    (
        "no-final-newline",
        "[default]\naws_access_key_id = AKIDNF\naws_secret_access_key = SECRETnf01",
    ),
    (
        "DEFAULT-inherited",
        "[DEFAULT]\naws_secret_access_key = SECRETdef1\n[default]\naws_access_key_id = AKIDD\n",
    ),
    (
        "DEFAULT-overridden",
        "[DEFAULT]\naws_access_key_id = AKIDOLD\n[default]\naws_access_key_id = AKIDNEW\naws_secret_access_key = SECRETo01\n",
    ),
    ("DEFAULT-only", "[DEFAULT]\n" + K),
    (
        "DEFAULT-into-profile",
        "[DEFAULT]\n" + K + "[profile p]\nregion = eu-west-1\n[p]\nregion = eu-west-2\n",
    ),
    ("spaced-header", "[ default ]\n" + K),
    ("capital-Default", "[Default]\n" + K),
    ("header-trailing-junk", "[default] ; junk\n" + K),
    ("header-bracket-inside", "[a]b]\n" + K + "[default]\n" + K),
    ("indented-header-after-option", "[other]\nx = 1\n  [default]\n" + K),
    (
        "indented-first-option",
        "[default]\n   aws_access_key_id = AKIDI\naws_secret_access_key = SECRETi01\n",
    ),
    ("duplicate-section", "[default]\n" + K + "[default]\nregion = x\n"),
    ("duplicate-option", "[default]\n" + K + "aws_access_key_id = AKID2\n"),
    ("duplicate-option-case", "[default]\n" + K + "AWS_Access_Key_Id = AKID2\n"),
    ("missing-header", "aws_access_key_id = AKID\n[default]\n" + K),
    ("no-delimiter", "[default]\n" + K + "garbage\n"),
    ("two-bad-lines", "[default]\ngarbage SECRETgarbage1\n" + K + "more garbage\n"),
    ("empty-key", "[default]\n= v\n" + K),
    ("empty-brackets", "[]\n" + K),
    ("equals-value", "[default]\naws_access_key_id = =\naws_secret_access_key:\n"),
    (
        "quotes-kept",
        "[default]\naws_access_key_id = \"AKIDQ\"\naws_secret_access_key = 'SECRETq01'\n",
    ),
    (
        "percent-literal",
        "[default]\naws_access_key_id = AK%(x)s\naws_secret_access_key = SECRET%%01\n",
    ),
    ("empty-access-key", "[default]\naws_access_key_id =\naws_secret_access_key = SECRETe01\n"),
    ("secret-only", "[default]\naws_secret_access_key = SECRETonly1\n"),
    ("access-only", "[default]\naws_access_key_id = AKIDPARTIAL\n"),
    (
        "security-token-wins",
        "[default]\n" + K + "aws_session_token = TOKENsess01\naws_security_token = TOKENsec001\n",
    ),
    (
        "empty-security-token",
        "[default]\n" + K + "aws_security_token =\naws_session_token = TOKENsess02\n",
    ),
    ("session-token", "[default]\n" + K + "aws_session_token = TOKENsess03\n"),
    ("account-id", "[default]\n" + K + "aws_account_id = 123456789012\n"),
    ("empty-account-id", "[default]\n" + K + "aws_account_id =\n"),
    ("trailing-blank-lines", "[default]\n" + K + "\n\n\n"),
]

#: Config-file section naming (section 3.5): (id, config text, profile argument).
PROFILE_HEADERS: List[Tuple[str, str, Optional[str]]] = [
    ("profile-foo", "[profile foo]\n" + keys("FOO"), "foo"),
    ("profile-two-spaces", "[profile  foo]\n" + keys("FOO"), "foo"),
    ("profile-spaces-around", "[profile   foo  ]\n" + keys("FOO"), "foo"),
    ("profile-tab", "[profile\tfoo]\n" + keys("FOO"), "foo"),
    ("profile-quoted", '[profile "foo bar"]\n' + keys("FB"), "foo bar"),
    ("profile-single-quoted", "[profile 'foo']\n" + keys("SQ"), "foo"),
    ("profile-three-tokens", "[profile foo bar]\n" + keys("FB"), "foo bar"),
    ("profile-three-tokens-foo", "[profile foo bar]\n" + keys("FB"), "foo"),
    ("profile-bare", "[profile]\n" + keys("BARE"), "profile"),
    ("profilefoo", "[profilefoo]\n" + keys("PF"), "profilefoo"),
    ("profiles-x", "[profiles x]\n" + keys("PX"), "x"),
    ("profile-unbalanced", '[profile "abc]\n' + keys("UB"), "abc"),
    ("no-prefix", "[foo]\n" + keys("FOO"), "foo"),
    ("no-prefix-preview", "[preview]\n" + keys("PV"), "preview"),
    ("profile-default", "[profile default]\n" + keys("PD"), None),
    ("profile-default-explicit", "[profile default]\n" + keys("PD"), "default"),
    (
        "default-then-profile-default",
        "[default]\n" + keys("D1") + "[profile default]\n" + keys("D2"),
        None,
    ),
    (
        "profile-default-then-default",
        "[profile default]\n" + keys("D2") + "[default]\n" + keys("D1"),
        None,
    ),
    (
        "default-later-wins-no-merge",
        "[default]\n" + keys("D1") + "region = r1\n[profile default]\naws_access_key_id = AKIDX\n",
        None,
    ),
    (
        "same-profile-quoted-and-plain",
        "[profile foo]\n" + keys("A") + '[profile "foo"]\n' + keys("B"),
        "foo",
    ),
    ("sso-session-not-profile", "[sso-session foo]\n" + keys("SS"), "foo"),
    ("services-not-profile", "[services foo]\n" + keys("SV"), "foo"),
    ("profile-named-sso-session", "[profile sso-session]\n" + keys("PS"), "sso-session"),
    ("case-sensitive-name", "[profile Foo]\n" + keys("CF"), "foo"),
    ("profile-with-dots", "[profile a.b-c_d]\n" + keys("AB"), "a.b-c_d"),
]


def ini_table() -> Table:
    """Every text through the chain as the credentials file and as the config file.

    (``test_ini.py`` compares the parsed dicts of every text in both roles in-process.)
    """
    table: Table = []
    for i, (name, text) in enumerate(INI_TEXTS):
        table.append(("creds:" + name, sc({CREDS: text})))
        table.append(("config:" + name, sc({CONFIG: text})))
        if i % 2 == 0:
            table.append(("creds-explicit:" + name, sc({CREDS: text}, profile="default")))
    for name, text, profile in PROFILE_HEADERS:
        table.append(("config:" + name, sc({CONFIG: text}, profile=profile)))
        table.append(("creds:" + name, sc({CREDS: text}, profile=profile)))
    return table


# -- section 2.3 / 3.8: the two files merged ----------------------------------------------------


def merge_table() -> Table:
    t: Table = []
    t.append(
        (
            "creds-wins-per-key",
            sc(
                {
                    CONFIG: "[profile p]\n" + keys("CFG") + "region = r-config\n",
                    CREDS: "[p]\nregion = r-creds\n",
                },
                profile="p",
                region=True,
            ),
        )
    )
    t.append(("region-creds-only", sc({CREDS: "[default]\nregion = r-creds\n"}, region=True)))
    t.append(
        (
            "profile-only-in-creds",
            sc(
                {CONFIG: "[default]\nregion = x\n", CREDS: "[only]\n" + keys("ONLY")},
                profile="only",
            ),
        )
    )
    t.append(
        (
            "profile-only-in-creds-env",
            sc({CREDS: "[only]\n" + keys("ONLY")}, env={"AWS_PROFILE": "only"}),
        )
    )
    t.append(
        (
            "profile-prefix-in-creds",
            sc({CREDS: "[profile foo]\n" + keys("PFX")}, profile="profile foo"),
        )
    )
    t.append(
        ("profile-prefix-in-creds-foo", sc({CREDS: "[profile foo]\n" + keys("PFX")}, profile="foo"))
    )
    t.append(
        (
            "sso-session-in-creds",
            sc({CREDS: "[sso-session x]\n" + keys("SSX")}, profile="sso-session x"),
        )
    )
    t.append(
        (
            "creds-partial-config-full",
            sc(
                {
                    CREDS: "[default]\naws_access_key_id = AKIDP\n",
                    CONFIG: "[default]\n" + keys("CFG"),
                }
            ),
        )
    )
    t.append(
        (
            "creds-secret-only-config-full",
            sc(
                {
                    CREDS: "[default]\naws_secret_access_key = SECRETso01\n",
                    CONFIG: "[default]\n" + keys("CFG"),
                }
            ),
        )
    )
    t.append(("config-partial", sc({CONFIG: "[default]\naws_access_key_id = AKIDP\n"})))
    t.append(
        (
            "config-secret-in-creds-only",
            sc(
                {
                    CONFIG: "[default]\naws_access_key_id = AKIDC\n",
                    CREDS: "[default]\naws_secret_access_key = SECRETcr01\n",
                }
            ),
        )
    )
    t.append(
        (
            "config-token-creds-keys",
            sc(
                {
                    CONFIG: "[default]\naws_session_token = TOKENcfg001\n",
                    CREDS: "[default]\n" + keys("CR"),
                }
            ),
        )
    )
    t.append(
        (
            "both-full-creds-wins",
            sc({CONFIG: "[default]\n" + keys("CFG"), CREDS: "[default]\n" + keys("CR")}),
        )
    )
    t.append(
        (
            "config-default-creds-other",
            sc({CONFIG: "[default]\n" + keys("CFG"), CREDS: "[other]\n" + keys("CR")}),
        )
    )
    t.append(
        (
            "malformed-creds-unused-profile",
            sc({CONFIG: "[default]\n" + keys("CFG"), CREDS: "[x]\ngarbage\n"}),
        )
    )
    t.append(
        ("malformed-config-creds-ok", sc({CONFIG: "garbage\n", CREDS: "[default]\n" + keys("CR")}))
    )
    t.append(
        (
            "config-DEFAULT-leaks-into-sso",
            sc(
                {
                    CONFIG: "[DEFAULT]\nregion = r-def\n[sso-session s]\nx = 1\n[profile p]\n"
                    + keys("P")
                },
                profile="p",
                region=True,
            ),
        )
    )
    t.append(
        (
            "creds-DEFAULT-region",
            sc({CREDS: "[DEFAULT]\nregion = r-def\n[p]\n" + keys("P")}, profile="p", region=True),
        )
    )
    return t


# -- section 2.2 / 21.5(2): profile selection ---------------------------------------------------

SELECTIONS: List[Tuple[str, Optional[str], Dict[str, str]]] = [
    ("none", None, {}),
    ("explicit", "p", {}),
    ("AWS_PROFILE", None, {"AWS_PROFILE": "p"}),
    ("AWS_DEFAULT_PROFILE", None, {"AWS_DEFAULT_PROFILE": "p"}),
    ("both-env", None, {"AWS_DEFAULT_PROFILE": "p", "AWS_PROFILE": "q"}),
    ("both-env-reversed", None, {"AWS_DEFAULT_PROFILE": "q", "AWS_PROFILE": "p"}),
    ("empty-AWS_PROFILE", None, {"AWS_PROFILE": ""}),
    ("empty-default-profile-wins", None, {"AWS_DEFAULT_PROFILE": "", "AWS_PROFILE": "p"}),
    ("explicit-over-env", "p", {"AWS_PROFILE": "q", "AWS_DEFAULT_PROFILE": "q"}),
    ("explicit-default", "default", {}),
    ("explicit-empty", "", {}),
    ("env-default", None, {"AWS_PROFILE": "default"}),
]

PROFILE_FILES: List[Tuple[str, Dict[str, str]]] = [
    ("in-creds", {CREDS: "[default]\n" + keys("DEF") + "[p]\n" + keys("P") + "[q]\n" + keys("Q")}),
    (
        "in-config",
        {
            CONFIG: "[default]\n"
            + keys("DEF")
            + "[profile p]\n"
            + keys("P")
            + "[profile q]\n"
            + keys("Q")
        },
    ),
    (
        "no-creds",
        {CONFIG: "[default]\nregion = r0\n[profile p]\nregion = r1\n[profile q]\nregion = r2\n"},
    ),
    ("missing", {CONFIG: "[profile other]\nregion = r3\n"}),
]


def selection_table() -> Table:
    t: Table = []
    for sel, profile, env in SELECTIONS:
        for where, files in PROFILE_FILES:
            for with_env in (False, True):
                e = dict(env)
                if with_env:
                    e.update(ENV_CREDS)
                name = "%s/%s/%s" % (sel, where, "env-creds" if with_env else "no-env")
                t.append((name, sc(files, e, profile, region=True)))
    return t


# -- section 2.4 / 21.5(3): the eager phase -----------------------------------------------------

ALL_IMDS_ENV = {
    "AWS_METADATA_SERVICE_TIMEOUT": "1",
    "AWS_METADATA_SERVICE_NUM_ATTEMPTS": "1",
    "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:1/",
    "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "ipv4",
    "AWS_EC2_METADATA_V1_DISABLED": "false",
}


def eager_table() -> Table:
    t: Table = []
    good = {CREDS: "[default]\n" + keys("OK")}
    cases: List[Tuple[str, Dict[str, Any], Dict[str, str], Optional[str]]] = [
        ("malformed-config", {CONFIG: "garbage\n"}, {}, None),
        ("malformed-creds", {CREDS: "[default]\ngarbage\n"}, {}, None),
        ("dup-section-config", {CONFIG: "[a]\n[a]\n"}, {}, None),
        ("bom-creds", {CREDS: b"\xef\xbb\xbf[default]\n"}, {}, None),
        ("latin1-config", {CONFIG: b"[default]\nregion = \xe9\n"}, {}, None),
        ("missing-profile-env", good, {"AWS_PROFILE": "nope"}, None),
        ("missing-profile-explicit", good, {}, "nope"),
        ("missing-default-explicit", {}, {}, "default"),
        ("timeout-abc-env", good, {"AWS_METADATA_SERVICE_TIMEOUT": "abc"}, None),
        ("timeout-float-env", good, {"AWS_METADATA_SERVICE_TIMEOUT": "1.5"}, None),
        ("timeout-empty-env", good, {"AWS_METADATA_SERVICE_TIMEOUT": ""}, None),
        ("timeout-spaces-env", good, {"AWS_METADATA_SERVICE_TIMEOUT": " 2 "}, None),
        ("timeout-profile", {CONFIG: "[default]\nmetadata_service_timeout = abc\n"}, {}, None),
        ("timeout-profile-ok", {CONFIG: "[default]\nmetadata_service_timeout = 3\n"}, {}, None),
        ("timeout-creds-file", {CREDS: "[default]\nmetadata_service_timeout = x\n"}, {}, None),
        ("attempts-abc-env", good, {"AWS_METADATA_SERVICE_NUM_ATTEMPTS": "abc"}, None),
        (
            "attempts-profile",
            {CONFIG: "[default]\nmetadata_service_num_attempts = 2.0\n"},
            {},
            None,
        ),
        ("mode-bad-env", good, {"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "ipv5"}, None),
        ("mode-upper-env", good, {"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "IPv6"}, None),
        ("mode-empty-env", good, {"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": ""}, None),
        (
            "mode-bad-profile",
            {CONFIG: "[default]\nec2_metadata_service_endpoint_mode = x\n"},
            {},
            None,
        ),
        (
            "mode-bad-explicit-profile",
            {CONFIG: "[profile p]\nec2_metadata_service_endpoint_mode = x\n"},
            {},
            "p",
        ),
        ("ipv6-flag", good, {"AWS_IMDS_USE_IPV6": "true"}, None),
        ("endpoint-bad-env", good, {"AWS_EC2_METADATA_SERVICE_ENDPOINT": "not a url"}, None),
        (
            "endpoint-bad-ipv6-env",
            good,
            {"AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://[1:2:3:4:5:6:7:8:9]/"},
            None,
        ),
        ("endpoint-empty-env", good, {"AWS_EC2_METADATA_SERVICE_ENDPOINT": ""}, None),
        (
            "endpoint-ipv6-ok-env",
            good,
            {"AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://[fd00:ec2::254]/"},
            None,
        ),
        (
            "endpoint-bad-profile",
            {CONFIG: "[default]\nec2_metadata_service_endpoint = http://-x/\n"},
            {},
            None,
        ),
        (
            "endpoint-and-ipv6-mode",
            good,
            {
                "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1/",
                "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "ipv6",
            },
            None,
        ),
        ("nested-timeout", {CONFIG: "[default]\nmetadata_service_timeout =\n  a = b\n"}, {}, None),
    ]
    for name, files, env, profile in cases:
        for with_env in (True, False):
            e = dict(env)
            if with_env:
                e.update(ENV_CREDS)
            t.append(
                ("%s/%s" % (name, "env-creds" if with_env else "no-env"), sc(files, e, profile))
            )
    # The escape hatch: every eager lookup answered by the environment.
    hatch = dict(ALL_IMDS_ENV, AWS_PROFILE="nope", **ENV_CREDS)
    t.append(("escape-hatch", sc(good, hatch)))
    t.append(("escape-hatch-region", sc(good, hatch, region=True)))
    t.append(("escape-hatch-malformed-config", sc({CONFIG: "garbage\n"}, hatch)))
    hatch_ipv6 = dict(hatch)
    del hatch_ipv6["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"]
    hatch_ipv6["AWS_IMDS_USE_IPV6"] = "false"
    t.append(("escape-hatch-ipv6-flag", sc(good, hatch_ipv6)))
    for var in ALL_IMDS_ENV:
        partial = dict(hatch)
        del partial[var]
        t.append(("escape-hatch-without-" + var, sc(good, partial)))
    t.append(("escape-hatch-explicit", sc(good, dict(ALL_IMDS_ENV, **ENV_CREDS), profile="nope")))
    return t


# -- section 3.1 / 21.5(4): file locations ------------------------------------------------------


def location_table() -> Table:
    t: Table = []
    body = "[default]\n" + keys("LOC") + "region = r-loc\n"
    forms = [
        ("absolute", "{home}/alt/file", "alt/file"),
        ("tilde", "~/alt/file", "alt/file"),
        ("dollar-var", "$HOME/alt/file", "alt/file"),
        ("braced-var", "${HOME}/alt/file", "alt/file"),
        ("custom-var", "$MYDIR/file", "alt/file"),
        ("undefined-var", "$NOPE_UNSET/file", "alt/file"),
        ("relative", "alt/file", "alt/file"),
        ("relative-dot", "./alt/../alt/file", "alt/file"),
        ("directory", "{home}/alt", "alt/file"),
        ("empty", "", "alt/file"),
        ("missing", "{home}/nothing/here", "alt/file"),
        ("tilde-only", "~", "alt/file"),
    ]
    for var, default in (("AWS_SHARED_CREDENTIALS_FILE", CREDS), ("AWS_CONFIG_FILE", CONFIG)):
        for name, value, where in forms:
            env = {var: value, "MYDIR": "{home}/alt"}
            files = {where: body, default: "[default]\n" + keys("DEFLOC") + "region = r-default\n"}
            s = sc(files, env, region=True)
            s["isolate"] = name.startswith("relative")  # relative to the working directory
            t.append(("%s/%s" % (var, name), s))
    t.append(
        (
            "defaults",
            sc({CREDS: "[default]\n" + keys("C"), CONFIG: "[default]\nregion = r\n"}, region=True),
        )
    )
    t.append(("config-dir-is-file", sc({".aws/config/x": "[default]\n" + keys("X")})))
    # The legacy EC2 CLI file (section 13).
    ec2 = "AWSAccessKeyId=AKIDEC2\nAWSSecretKey=SECRETec201\n"
    for name, value, files in [
        ("ec2-absolute", "{home}/ec2.txt", {"ec2.txt": ec2}),
        ("ec2-tilde", "~/ec2.txt", {"ec2.txt": ec2}),
        ("ec2-dollar-home", "$HOME/ec2.txt", {"ec2.txt": ec2}),
        ("ec2-missing", "{home}/none.txt", {}),
        ("ec2-directory", "{home}", {}),
        ("ec2-empty-var", "", {}),
        ("ec2-no-secret", "{home}/ec2.txt", {"ec2.txt": "AWSAccessKeyId=AKIDEC2\n"}),
        ("ec2-no-access-key", "{home}/ec2.txt", {"ec2.txt": "AWSSecretKey=SECRETec202\n"}),
        (
            "ec2-duplicates-later-wins",
            "{home}/ec2.txt",
            {"ec2.txt": ec2 + "AWSAccessKeyId = AKIDLATER \n"},
        ),
        ("ec2-junk-lines", "{home}/ec2.txt", {"ec2.txt": "# x\njunk\n  " + ec2 + "a=b=c\n"}),
        ("ec2-crlf", "{home}/ec2.txt", {"ec2.txt": ec2.replace("\n", "\r\n")}),
        (
            "ec2-latin1",
            "{home}/ec2.txt",
            {"ec2.txt": b"AWSAccessKeyId=AK\xe9\nAWSSecretKey=SECRETl\n"},
        ),
    ]:
        t.append((name, sc(files, {"AWS_CREDENTIAL_FILE": value})))
    # boto2 configs (section 14).
    boto = "[Credentials]\naws_access_key_id = AKIDBOTO\naws_secret_access_key = SECRETboto1\naws_session_token = TOKENboto01\n"
    for name, env, files in [
        ("boto-home", {}, {".boto": boto}),
        ("boto-config-var", {"BOTO_CONFIG": "{home}/b.cfg"}, {"b.cfg": boto}),
        ("boto-config-var-tilde", {"BOTO_CONFIG": "~/b.cfg"}, {"b.cfg": boto}),
        ("boto-config-var-dollar", {"BOTO_CONFIG": "$HOME/b.cfg"}, {"b.cfg": boto}),
        ("boto-config-missing-no-fallback", {"BOTO_CONFIG": "{home}/none"}, {".boto": boto}),
        ("boto-config-empty", {"BOTO_CONFIG": ""}, {".boto": boto}),
        ("boto-partial", {}, {".boto": "[Credentials]\naws_access_key_id = AKIDBP\n"}),
        ("boto-lowercase-section", {}, {".boto": boto.replace("Credentials", "credentials")}),
        ("boto-malformed", {}, {".boto": "garbage\n"}),
        ("boto-secret-only", {}, {".boto": "[Credentials]\naws_secret_access_key = SECRETbs01\n"}),
        (
            "boto-DEFAULT",
            {},
            {
                ".boto": "[DEFAULT]\naws_secret_access_key = SECRETbd01\n[Credentials]\naws_access_key_id = AKIDBD\n"
            },
        ),
        ("boto-other-section", {}, {".boto": "[Boto]\ndebug = 1\n"}),
    ]:
        t.append((name, sc(files, env)))
    return t


# -- section 4 / 21.5(1): the precedence ladder -------------------------------------------------

PROC_SCRIPT = (
    "import json\nprint(json.dumps({'Version': 1, 'AccessKeyId': 'AKIDPROC', "
    "'SecretAccessKey': 'SECRETproc1', 'SessionToken': 'TOKENproc01'}))\n"
)


def _ladder_layers() -> List[Tuple[str, Dict[str, str], Dict[str, str], str]]:
    """(provider, env, files, which file gets which section)."""
    return [
        ("env", dict(ENV_CREDS), {}, ""),
        ("shared-credentials-file", {}, {}, "creds"),
        ("custom-process", {}, {"bin/proc.py": PROC_SCRIPT}, "process"),
        ("config-file", {}, {}, "config"),
        (
            "ec2-credentials-file",
            {"AWS_CREDENTIAL_FILE": "~/ec2.txt"},
            {"ec2.txt": "AWSAccessKeyId=AKIDEC2\nAWSSecretKey=SECRETec201\n"},
            "",
        ),
        (
            "boto-config",
            {},
            {
                ".boto": "[Credentials]\naws_access_key_id = AKIDBOTO\naws_secret_access_key = SECRETboto1\n"
            },
            "",
        ),
    ]


def _ladder(
    start: int, section: str, header: str, profile: Optional[str], env_sel: Dict[str, str]
) -> Scenario:
    env: Dict[str, str] = dict(env_sel)
    files: Dict[str, str] = {}
    creds = config = ""
    for _name, e, f, kind in _ladder_layers()[start:]:
        env.update(e)
        files.update(f)
        if kind == "creds":
            creds += keys("CREDS")
        elif kind == "process":
            config += "credential_process = {python} {home}/bin/proc.py\n"
        elif kind == "config":
            config += keys("CONFIG")
    if creds:
        files[CREDS] = "[%s]\n%s" % (section, creds)
    if config or section != "default":
        files[CONFIG] = "[%s]\n%s" % (header, config)
    return sc(files, env, profile)


def ladder_table() -> Table:
    t: Table = []
    for start in range(len(_ladder_layers())):
        first = _ladder_layers()[start][0]
        t.append(("default/" + first, _ladder(start, "default", "default", None, {})))
        t.append(("explicit/" + first, _ladder(start, "p", "profile p", "p", {})))
        t.append(
            ("AWS_PROFILE/" + first, _ladder(start, "p", "profile p", None, {"AWS_PROFILE": "p"}))
        )
    # Process output variants (static only: expiring output is the envproc branch's).
    proc = "[default]\ncredential_process = {python} {home}/bin/proc.py\n"
    t.append(("process-in-creds-file", sc({CREDS: proc, "bin/proc.py": PROC_SCRIPT})))
    t.append(
        (
            "process-account-from-profile",
            sc({CONFIG: proc + "aws_account_id = 111122223333\n", "bin/proc.py": PROC_SCRIPT}),
        )
    )
    t.append(
        (
            "process-with-explicit-profile-env-creds",
            sc(
                {CONFIG: proc.replace("[default]", "[profile p]"), "bin/proc.py": PROC_SCRIPT},
                dict(ENV_CREDS),
                "p",
            ),
        )
    )
    # Skip rules.
    t.append(
        (
            "explicit-no-creds-env-creds",
            sc({CONFIG: "[profile p]\nregion = x\n"}, dict(ENV_CREDS), "p"),
        )
    )
    t.append(
        (
            "env-profile-no-creds-env-creds",
            sc({CONFIG: "[profile p]\nregion = x\n"}, dict(ENV_CREDS, AWS_PROFILE="p")),
        )
    )
    t.append(
        (
            "env-partial-stops-chain",
            sc({CREDS: "[default]\n" + keys("C")}, {"AWS_ACCESS_KEY_ID": "AKIDENV"}),
        )
    )
    t.append(
        (
            "env-empty-access-key",
            sc(
                {CREDS: "[default]\n" + keys("C")},
                {"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "SECRETx0001"},
            ),
        )
    )
    t.append(
        (
            "env-partial-explicit-profile",
            sc({CREDS: "[p]\n" + keys("C")}, {"AWS_ACCESS_KEY_ID": "AKIDENV"}, "p"),
        )
    )
    t.append(
        (
            "creds-partial-stops-before-boto",
            sc(
                {
                    CREDS: "[default]\naws_access_key_id = A\n",
                    ".boto": "[Credentials]\n" + keys("B"),
                }
            ),
        )
    )
    t.append(
        (
            "ec2-missing-stops-before-boto",
            sc({".boto": "[Credentials]\n" + keys("B")}, {"AWS_CREDENTIAL_FILE": "~/none"}),
        )
    )
    t.append(
        (
            "boto-malformed-after-config",
            sc({CONFIG: "[default]\n" + keys("CFG"), ".boto": "garbage"}),
        )
    )
    t.append(("nothing-at-all", sc({})))
    t.append(("nothing-explicit", sc({CONFIG: "[profile p]\n"}, profile="p")))
    return t


# -- section 19: region ------------------------------------------------------------------------


def region_table() -> Table:
    t: Table = []
    cfg = {
        CONFIG: "[default]\nregion = r-config\n[profile p]\nregion = r-p\n",
        CREDS: "[default]\n" + keys("R"),
    }
    rows: List[Tuple[str, Dict[str, Any], Dict[str, str], Optional[str]]] = [
        ("nothing", {}, {}, None),
        ("AWS_REGION-only", {}, {"AWS_REGION": "eu-central-1"}, None),
        ("AWS_DEFAULT_REGION-only", {}, {"AWS_DEFAULT_REGION": "eu-west-3"}, None),
        ("both-env", {}, {"AWS_REGION": "r-a", "AWS_DEFAULT_REGION": "r-b"}, None),
        ("empty-AWS_REGION", cfg, {"AWS_REGION": "", "AWS_DEFAULT_REGION": "r-b"}, None),
        ("empty-AWS_DEFAULT_REGION", cfg, {"AWS_DEFAULT_REGION": ""}, None),
        ("profile-region", cfg, {}, None),
        ("explicit-profile-region", cfg, {}, "p"),
        ("env-profile-region", cfg, {"AWS_PROFILE": "p"}, None),
        ("env-over-profile", cfg, {"AWS_DEFAULT_REGION": "r-env"}, "p"),
        (
            "creds-region-wins",
            {CONFIG: "[default]\nregion = r-config\n", CREDS: "[default]\nregion = r-creds\n"},
            {},
            None,
        ),
        ("creds-region-only-profile", {CREDS: "[p]\nregion = r-creds\n"}, {}, "p"),
        ("missing-profile", cfg, {}, "nope"),
        ("missing-profile-env", cfg, {"AWS_PROFILE": "nope"}, None),
        ("missing-profile-default-region", cfg, {"AWS_DEFAULT_REGION": "r-x"}, "nope"),
        ("missing-profile-aws-region", cfg, {"AWS_REGION": "r-y"}, "nope"),
        ("invalid-region-unvalidated", {}, {"AWS_DEFAULT_REGION": "us_east!"}, None),
        ("empty-region-key", {CONFIG: "[default]\nregion =\n"}, {}, None),
        ("region-with-spaces", {CONFIG: "[default]\nregion =   us-west-1   \n"}, {}, None),
        ("malformed-config", {CONFIG: "garbage"}, {}, None),
        ("malformed-config-env-region", {CONFIG: "garbage"}, {"AWS_DEFAULT_REGION": "r"}, None),
        ("upper-key", {CONFIG: "[default]\nREGION = ap-south-1\n"}, {}, None),
        ("DEFAULT-section", {CONFIG: "[DEFAULT]\nregion = r-d\n[profile p]\n"}, {}, "p"),
        ("nested-region", {CONFIG: "[default]\nregion =\n  a = b\n"}, {}, None),
    ]
    for name, files, env, profile in rows:
        t.append((name, sc(files, env, profile, region=True)))
    return t
