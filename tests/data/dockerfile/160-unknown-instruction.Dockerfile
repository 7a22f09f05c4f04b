FROM a
RUNN echo
