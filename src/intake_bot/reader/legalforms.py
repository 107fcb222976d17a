"""Legal forms of organisations, as data: a name that carries one is a company's name.

Written after the name (Latin scripts: 'Acme Ltd', 'Lusitânia Certificação Digital, S.A.') or
glued before or after it (East Asian scripts: '株式会社アサギ', '杭州云鹊信息技术有限公司',
'주식회사 한빛메일'). Kept with the name: the legal form is part of it.
"""

from __future__ import annotations

import re

# After the name, separated by a space or a comma. Longest first where one ends another.
SUFFIXES: tuple[str, ...] = (
    # English-speaking countries
    "(Pty) Ltd", "Pty Ltd", "Pty. Ltd.", "Co., Ltd.", "Co., Ltd", "Co. Ltd.", "Co. Ltd", "Ltd.", "Ltd", "Limited",
    "PLC", "plc", "LLC", "L.L.C.", "LLP", "LP", "Inc.", "Inc", "Incorporated", "Corp.", "Corp", "Corporation",
    "Co.", "Company", "DAC", "CLG", "CIC", "ULC", "PBC",
    # German-speaking countries
    "GmbH & Co. KG", "gGmbH", "GmbH", "AG", "KG", "KGaA", "OHG", "e.V.", "eV", "eG", "SE", "e.U.",
    # French, Spanish, Portuguese, Italian
    "S.A.S.U.", "S.A.S.", "SASU", "SAS", "S.A.R.L.", "SARL", "S.A.", "SA", "S.C.A.", "SCA", "S.L.U.", "S.L.",
    "SL", "S.L.N.E.", "S.C.", "S.N.C.", "Ltda.", "Ltda", "Lda.", "Lda", "S.p.A.", "SpA", "S.r.l.", "Srl", "S.R.L.",
    "S.a.s.", "S.n.c.", "S.C.p.A.",
    # Benelux, Nordic, Baltic
    "B.V.", "BV", "N.V.", "NV", "V.O.F.", "BVBA", "SRL", "A/S", "ApS", "AS", "ASA", "AB", "AB (publ)",
    "Oy", "Oyj", "Ab", "hf.", "ehf.", "OÜ", "AS", "UAB", "SIA",
    # Central and Eastern Europe
    "Sp. z o.o.", "sp. z o.o.", "S.A.", "spółka z o.o.", "s.r.o.", "spol. s r.o.", "a.s.", "d.o.o.", "d.d.",
    "Kft.", "Zrt.", "Nyrt.", "Bt.", "S.R.L.", "EOOD", "OOD", "AD", "EAD", "s.p.", "k.s.",
    # Turkey, Greece, Israel, India, Asia (Latin script)
    "A.Ş.", "A.S.", "Ltd. Şti.", "Ltd. Şti", "Ş.T.İ.", "A.E.", "Pvt. Ltd.", "Pvt Ltd", "Private Limited",
    "K.K.", "KK", "G.K.", "Co.,Ltd.", "Sdn. Bhd.", "Sdn Bhd", "Bhd", "Pte. Ltd.", "Pte Ltd", "Tbk", "JSC", "PJSC",
    "LLC.", "Ltd. Co.",
)  # fmt: skip

# Glued to the name, in East Asian scripts.
CJK_PREFIXES: tuple[str, ...] = (
    "株式会社", "有限会社", "合同会社", "一般社団法人", "公益社団法人", "一般財団法人", "公益財団法人",
    "特定非営利活動法人", "独立行政法人", "주식회사", "유한회사", "(주)", "㈜", "사단법인", "재단법인",
)  # fmt: skip
CJK_SUFFIXES: tuple[str, ...] = (
    "股份有限公司", "有限责任公司", "有限責任公司", "有限公司", "集团", "集團", "株式会社", "有限会社", "合同会社",
    "주식회사", "협회", "学会", "協会", "协会", "研究所", "研究院",
)  # fmt: skip

# Words that make a name an organisation's without being a legal form.
ORGANISATION_WORDS = re.compile(
    r"\b(?:Foundation|Association|Society|Institute|Consortium|Coalition|Alliance|Federation|Council|"
    r"University|College|Academy|Agency|Authority|Ministry|Trust|Group|Laboratories|Labs?|"
    r"Verein|Verband|Bundesverband|Stiftung|Fondation|Association|Fundación|Fundação|Fondazione|Stichting|"
    r"Vereniging|Stowarzyszenie|Fundacja|Universität|Université|Universidad|Università|Uniwersytet|"
    r"Institut|Institutet|Instituto|Istituto|Instytut|Hochschule|Universidade|Universiteit|Akademie|Akademia|"
    r"Laboratoire|Laboratorio|Stiftelse|Stiftelsen|Förening|Föreningen|Forening|Foreningen|Yhdistys|Säätiö|"
    r"Egyetem|Politecnico|Politechnika|Công\s+ty|(?i:högskola|högskolan|høgskole|høgskolen|universitet|universitetet|"
    r"yliopisto|korkeakoulu))\b"
)

_SUFFIX = re.compile(
    r"(?:^|[\s,])(?P<form>"
    + "|".join(re.escape(form) for form in sorted(set(SUFFIXES), key=len, reverse=True))
    + r")$"
)
_CJK_PREFIX = re.compile("^(?:" + "|".join(re.escape(f) for f in CJK_PREFIXES) + ")")
_CJK_SUFFIX = re.compile("(?:" + "|".join(re.escape(f) for f in CJK_SUFFIXES) + ")$")
# where a legal form ends a name inside a longer text: the form, then a boundary
LEGAL_FORM_END = re.compile(
    r"(?:(?<=\s)|(?<=,))(?:"
    + "|".join(re.escape(form) for form in sorted(set(SUFFIXES), key=len, reverse=True))
    + r")(?=$|[\s,;:)|/]|\.(?:\s|$))"
)


_ENDINGS = tuple(SUFFIXES) + CJK_SUFFIXES


def legal_form(name: str) -> str | None:
    """The legal form the name carries ('Ltd', 'Sp. z o.o.', '株式会社'), None when it carries none."""
    name = name.strip()
    if not (name.endswith(_ENDINGS) or name.startswith(CJK_PREFIXES)):
        return None  # most lines of a mail: no pattern needs to be tried along them
    found = _SUFFIX.search(name) or _CJK_PREFIX.search(name) or _CJK_SUFFIX.search(name)
    if not found or len(found.group(0).strip(" ,")) >= len(name):
        return None  # a legal form alone is no name
    return found.group("form") if "form" in found.groupdict() else found.group(0)


def is_organisation_name(name: str) -> bool:
    """A legal form or an organisation word ('Society', 'Stiftung') in the name."""
    return bool(legal_form(name) or ORGANISATION_WORDS.search(name))
