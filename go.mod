module github.com/lcrun/lcrun

go 1.26.8
