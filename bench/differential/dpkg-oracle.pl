#!/usr/bin/perl
# The differential harness's Debian and Ubuntu oracle: dpkg's own version rules, in one process.
# Dpkg::Version (Debian package libdpkg-perl, built from the dpkg source alongside dpkg itself)
# answers every question; `dpkg --compare-versions` (the C implementation) is asked too for the
# first 100 comparisons and every 250th after, and the script dies if the two ever differ, so a
# run is checked against dpkg itself without a process per question (dpkg has no batch mode, and
# a process per question made one Ubuntu record take minutes).
# Same line protocol as oracle.py: "v\tV" -> ok|invalid, "c\tA\tB" -> -1|0|1|invalid.
use strict;
use warnings;
use Dpkg::Version qw(version_compare version_check);

my %valid;
my $compared = 0;

sub ok {
    my ($v) = @_;
    $valid{$v} = (version_check($v) ? 1 : 0) unless exists $valid{$v};
    return $valid{$v};
}

sub dpkg_says {
    my ($a, $b) = @_;
    return -1 if system('dpkg', '--compare-versions', '--', $a, 'lt', $b) == 0;
    return 0 if system('dpkg', '--compare-versions', '--', $a, 'eq', $b) == 0;
    return 1;
}

$| = 0;
while (my $line = <STDIN>) {
    chomp $line;
    my ($kind, $a, $b) = split /\t/, $line, -1;
    if ($kind eq 'v') {
        print ok($a) ? "ok\n" : "invalid\n";
    } elsif ($kind eq 'c') {
        if (!ok($a) || !ok($b)) {
            print "invalid\n";
            next;
        }
        my $c = version_compare($a, $b);
        $c = $c <=> 0;
        $compared++;
        if ($compared <= 100 || $compared % 250 == 0) {
            my $d = dpkg_says($a, $b);
            die "Dpkg::Version says $c and dpkg --compare-versions says $d for '$a' vs '$b'\n"
                if $d != $c;
        }
        print "$c\n";
    } else {
        print "invalid\n";
    }
}
