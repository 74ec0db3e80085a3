"""Stories: one real-world event across outlets. Each tagged article joins a story or opens one.

The pure core decides; the index (in memory, or the alert store's tables) remembers recent
stories so the decision survives restarts and is shared by every alert replica.
"""
