"""The dialogue tools' pages and API routes: what-if, goal seeking, recommendations, peers and
typology, your own weights, comparing releases (issue 15). Each page calls the library's
function (:mod:`polindex.analysis`) on a release's frozen data, needs no JavaScript and keeps
its state in the URL."""
