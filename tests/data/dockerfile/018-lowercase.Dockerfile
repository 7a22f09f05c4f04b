from alpine as base
run echo lower
copy a b
