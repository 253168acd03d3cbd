"""A multi-site LIS where each site numbers its own patients: requests reference
(ID_SITE, IPP) through a declared composite foreign key. Ingest, scan and link follow it,
so a request of site 20's patient 100001 reaches that patient, not site 10's."""

from __future__ import annotations

from pathlib import Path

from vigie.ingest import ingest_files
from vigie.link.pipeline import run_link
from vigie.scan.stage import run_scan
from vigie.workspace import Workspace

# Hand-written in mysqldump's layout (the ingest tests hold real MariaDB dumps).
DUMP = """-- MariaDB dump 10.19  Distrib 10.11.6-MariaDB, for debian-linux-gnu (x86_64)
/*!40014 SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0 */;
DROP TABLE IF EXISTS `demandes`;
CREATE TABLE `demandes` (
  `ID_DEMANDE` int(11) NOT NULL,
  `ID_SITE` int(11) NOT NULL,
  `IPP` int(11) NOT NULL,
  `DATE_PRELEV` datetime DEFAULT NULL,
  `COMMENTAIRE` text,
  PRIMARY KEY (`ID_DEMANDE`),
  KEY `fk_patient` (`ID_SITE`,`IPP`),
  CONSTRAINT `fk_patient` FOREIGN KEY (`ID_SITE`, `IPP`) REFERENCES `patients` (`ID_SITE`, `IPP`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
LOCK TABLES `demandes` WRITE;
INSERT INTO `demandes` VALUES (1,10,100001,'2018-06-02 08:10:00','RAS'),\
(2,20,100001,'2018-06-03 09:00:00','Sérologie VIH 1/2 positive, contrôle demandé'),\
(3,10,100002,'2018-07-01 10:00:00','RAS'),(4,20,100002,'2018-07-04 11:00:00','tube hémolysé'),\
(5,10,100003,'2018-08-01 08:00:00','RAS'),(6,20,100003,'2018-08-02 08:00:00','RAS'),\
(7,20,100009,'2018-08-03 08:00:00','RAS');
UNLOCK TABLES;
DROP TABLE IF EXISTS `patients`;
CREATE TABLE `patients` (
  `ID_SITE` int(11) NOT NULL,
  `IPP` int(11) NOT NULL,
  `NOM` varchar(80) DEFAULT NULL,
  `PRENOM` varchar(80) DEFAULT NULL,
  `DATE_NAISSANCE` date DEFAULT NULL,
  PRIMARY KEY (`ID_SITE`,`IPP`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
LOCK TABLES `patients` WRITE;
INSERT INTO `patients` VALUES (10,100001,'MARTIN','Marie','1956-03-12'),\
(10,100002,'DURAND','Jean','1971-11-02'),(10,100003,'BERNARD','Sophie','1988-01-25'),\
(20,100001,'PETIT','Luc','1949-07-30'),(20,100002,'ROBERT','Claire','1995-05-14'),\
(20,100003,'RICHARD','Paul','2002-09-09');
UNLOCK TABLES;
/*!40014 SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS */;
"""


def test_requests_reach_the_patient_of_their_site(workspace: Workspace, tmp_path: Path) -> None:
    dump = tmp_path / "sil_sites.sql"
    dump.write_text(DUMP, encoding="utf-8")
    ingest_files(workspace, [dump])
    report = run_scan(workspace)
    assert [(k["columns"], k["ref_columns"], k["source"]) for k in report.keys] == [
        (["ID_SITE", "IPP"], ["ID_SITE", "IPP"], "declared")
    ]
    result = run_link(workspace)
    assert (result["persons"], result["records_through_keys"], result["orphans"]) == (6, 6, 1)
    with workspace.connect() as con:
        pairs = con.execute(
            """SELECT d._row, p._row FROM person_records d
            JOIN person_records p ON p.person_id = d.person_id
            WHERE d."table" = 'sil_sites__demandes' AND p."table" = 'sil_sites__patients'
            ORDER BY 1"""
        ).fetchall()
        hiv = con.execute(
            """SELECT p._row FROM person_exposure e JOIN person_records p USING (person_id)
            WHERE e.element = 'health.hiv' AND p."table" = 'sil_sites__patients'"""
        ).fetchall()
        orphan = con.execute('SELECT "table", _row FROM record_orphans').fetchall()
    # request n of site 10 -> patients row n; of site 20 -> row n + 3
    assert pairs == [(1, 1), (2, 4), (3, 2), (4, 5), (5, 3), (6, 6)]
    assert hiv == [(4,)]  # PETIT Luc of site 20, not MARTIN Marie of site 10 (same IPP)
    assert orphan == [("sil_sites__demandes", 7)]  # (20, 100009) is nobody
