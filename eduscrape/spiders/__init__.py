"""eduscrape spiders (what ``make demo`` runs with them: :mod:`eduscrape.demo.runs`)."""
