# syntax= 
FROM a
