"""The joined-up child: one multi-agency chronology, the child page, visibility, curation."""
