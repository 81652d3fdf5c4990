"""The public explorer: server-rendered pages over visible releases only."""
