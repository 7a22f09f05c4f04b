FROM a AS Build-1.x_y
FROM Build-1.x_y
