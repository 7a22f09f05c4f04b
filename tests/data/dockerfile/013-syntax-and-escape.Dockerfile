# syntax=docker/dockerfile:1
# escape=`

FROM mcr.microsoft.com/windows/servercore
COPY c:\src c:\dst
