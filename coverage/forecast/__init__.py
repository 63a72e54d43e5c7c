"""Trend and forecast of a target's coverage: month by month from the maintained tables, and
where the pace of the last weeks leads by the deadline.

- `arithmetic.py`: pure date and share arithmetic (month ends, pace, projection).
- `selectors.py`: the figures in SQL (a constant number of queries whatever the scope).
"""
