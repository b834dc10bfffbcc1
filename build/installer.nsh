; Included by electron-builder's NSIS script (nsis.include in electron-builder.ts).
;
; Guichet keeps its database, backups and log in %ProgramData%\Guichet, shared by every Windows
; session of the counter's computer (src/main/data-location.ts says why). By default a folder
; made under ProgramData can be read by every user but modified only by whoever created it: the
; second agent to log on to the counter could not write to the database. The installer runs with
; administrator rights, so it creates the folder and gives the Users group the Modify right,
; inherited by every file and subfolder made later (the database, its journal files, backups,
; logs). The group is named by its well-known SID, S-1-5-32-545, so that a French Windows, where
; it is called "Utilisateurs", matches too. Updates run this again, which is harmless.
; This file stays in plain ASCII: makensis reads an include without a byte-order mark in the
; system's code page.

!macro customInstall
  ReadEnvStr $0 PROGRAMDATA
  StrCmp $0 "" 0 +2
    StrCpy $0 "$APPDATA"
  CreateDirectory "$0\Guichet"
  nsExec::ExecToLog '"$SYSDIR\icacls.exe" "$0\Guichet" /grant *S-1-5-32-545:(OI)(CI)M /T /C /Q'
  Pop $1
  StrCmp $1 "0" +2
    DetailPrint "Guichet : droits non accordes sur $0\Guichet (icacls, code $1)."
!macroend

; Nothing in the data folder is removed on uninstall: it holds the ledger. The README says how
; IT removes it once the data have been archived.
