# Draws NAME-ratios.csv (written by the load benchmark) as clustered bars: one cluster per metric, one bar per
# concurrency (and one for the idle sockets), height = median of the per-pair ratios A/B. Below 1 is better for A on
# every metric except upgrades/s. Called by chart.sh, which sets input, output and title.
set terminal pngcairo size 1300,600 font "DejaVu Sans,10"
set output output
set datafile separator ','
set datafile missing '-'
set title title
set ylabel 'A/B (MapUpgrade / UseWebSockets), median of pairs'
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set yrange [0:*]
set xtics rotate by -20 scale 0
set key top left
set bmargin 9
set rmargin 24
set arrow from graph 0, first 1 to graph 1, first 1 nohead dashtype 2 linewidth 1.5
columns = system("head -n 1 '" . input . "' | awk -F, '{print NF}'")
plot for [i=2:columns] input using i:xtic(1) title columnheader(i)
