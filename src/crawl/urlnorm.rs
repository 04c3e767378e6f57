//! URL normalisation: one key per page, whatever form a link takes.
