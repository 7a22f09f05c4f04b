# syntax=a/b:
FROM x
