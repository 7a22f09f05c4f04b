# check=skip=JSONArgsRecommended
FROM alpine
