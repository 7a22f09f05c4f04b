# escape= 
FROM a
