"""The README written into truth/: what every ground-truth file and column means."""

TRUTH_README = """\
# Ground truth of this synthetic incident

Written by `vigie synth`; never read by the pipeline. Every person is synthetic.

## leak_rows.csv - one line per leaked data row
- `file`: the leak file, relative to `leak/`.
- `table`: the SQL table name for the dump (`dossiers_patients`); the file stem for the others.
- `row`: the 1-based data row number within that table in that file, header excluded (the
  n-th value tuple of the table in the dump, the n-th line after the header in CSV/XLSX, the
  n-th line in JSON lines). The dump's `laboratoires` table holds no personal data and has no
  rows here.
- `person_id`: who the row is about (see persons.csv).
- `elements`: the row's exposed elements, sorted, `|`-separated: an element is exposed when
  the leaked value is non-empty; free-text notes add the elements they mention. `text.free`
  itself is not listed (it is a kind of column, not an exposure).
- `note_elements`: the elements that come from the free-text note only.
- `nir_status`: `valid` (the person's own NIR, key correct), `mistyped` (one digit changed
  or two swapped: the key fails), `temporary` (a provisional number: sex digit 7/8, or 3/4
  for a person born abroad whose registration is in progress), `missing` (empty/NULL),
  `parent` (a minor recorded under a parent's NIR: see `nir_holder_person_id`).

## columns.csv - one line per column of each leak table
`file`, `table`, `column`, `element`: the vocabulary element of the column (DESIGN.md
"Vocabulary of exposed elements"), empty for non-personal columns (exam id, lab code or name,
the `laboratoires` table). The note column is `text.free`, the sampling date `care.exam`,
prescriber name and RPPS `provider.prescriber`.

Dates: the SQL dump has `DATE`/`DATETIME` values; the CSV writes `DD/MM/YYYY` and
`DD/MM/YYYY HH:MM`; the XLSX holds REAL Excel dates (number formats `dd/mm/yyyy`,
`dd/mm/yyyy hh:mm`); JSON lines use ISO 8601 text.

## persons.csv - one line per person (in the leak or only in a registry)
- `person_id`, `sex` (M/F), `birth_date` (ISO), `deceased` (True/False, after the leak;
  the registries say so), `death_date`, `minor` (under 18 on 2021-02-12).
- `nir_holder_person_id`: whose NIR the lab records carry for this person when it is not
  their own (a parent's), else empty.
- `household_id`: persons sharing a household share its address (and most often a surname).
- `birth_dep`: the birth-place field of the person's own NIR (`35`, `2A`, `20` for Corsica
  before 1976, `99` born abroad).
- `labs`: FINESS numbers of the labs that hold this person, `|`-separated (usual lab,
  second lab, any lab that sampled them); these are the registries listing the person.
- `elements`: the union of the elements of the person's leak rows (empty when not in the leak).
- `in_leak`: True when at least one leak row is about the person.

## registry_links.csv - one line per registry row
`person_id`, `controller` (lab name, as in registries/controllers.csv), `registry_file`
(relative to the incident folder), `row` (1-based data row, header excluded), `patient_id`
(the lab's IPP in that row).

## The registries
Each lab's patient index (UTF-8 CSV) holds the CURRENT identity and address: ~8 % of
households moved since the leak, some women changed usage name (married or divorced since),
deceased patients are flagged with their date of death, and ~22 % of patients are not in the
leak at all. NIR is the one the lab records (a parent's for most minors), missing for ~4 %.
"""

# Appended to TRUTH_README for `vigie synth --shape relational` (the flat text stays as is).
RELATIONAL_README = """
## The relational shape (`--shape relational`)
The leak is one laboratory information system (LIS) holding the same people and exams as
the flat shape, normalised, in two forms of the SAME data: `leak/sil_prod.sql` (a mysqldump
with PRIMARY KEY and FOREIGN KEY declarations) and `leak/csv/` (a CSV export of the same
tables: semicolon, Windows-1252, no key declared anywhere). Ingest one form or the other,
not both (both would be every row twice).

- `patients` (IPP, identity, contact, blood group): one row per person and lab group,
  the identity as typed at the first visit; ~1.5 % of the persons with several requests
  in a group were registered twice (a second IPP, the identity typed again).
- `demandes` (ID_DEMANDE = YYMMDD + a 5-digit number, IPP -> patients, ID_LABO ->
  laboratoires, sampling date, prescriber, note): one row per exam.
- `resultats` (ID_RESULTAT, ID_DEMANDE -> demandes, CODE_ANALYSE, LIBELLE, VALEUR, UNITE):
  one row per analyte measured; no identity of its own. A label naming an HIV test, a
  pregnancy hormone, a tumour marker, a genetic test, a drug level or a serology exposes
  that element by itself (`note_elements`); a value exposes `health.result` (~2 % of
  results are pending: no value).
- `laboratoires`: the 28 labs (no personal data, no rows in leak_rows.csv).

leak_rows.csv has three more columns in this shape:
- `parent_table`: the table whose row gives this row its person (`patients` for a
  request, `demandes` for a result; empty for a patients row, which carries its identity).
- `parent_row`: that row's number in the parent table of the same file set (empty for a
  patients row and for an orphan).
- `orphan`: True when the parent row is missing from the leak: ~0.2 % of patients rows
  were purged while their requests stayed, ~0.1 % of requests deleted while their results
  stayed. `person_id` still says whose row it is.
`nir_status` is empty for rows without a NIR column (requests, results).

## keys.csv - the keys of the relational shape
`file`, `table`, `column`, `ref_file`, `ref_table`, `ref_column`, `kind` (`primary`, or
`foreign` for a column whose values are the referenced table's key), `declared` (True in
the SQL dump, where the CREATE TABLE declares it; False in the CSV export, where only the
values tell). Orphans aside, every foreign-key value exists in the referenced key.
"""
