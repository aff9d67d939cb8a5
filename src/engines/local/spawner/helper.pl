#!/usr/bin/perl
# tandem spawner helper, perl edition (needs only perl-base: POSIX, IO::Select).
#
# Why perl: a fork costs in proportion to the forking process's memory. A Node.js helper (~45 MB)
# spends about twice what a small process does per spawn; this one (~5 MB) comes close to xargs.
# It speaks the same line protocol as helper.js (see protocol.ts), and the engine falls back to
# helper.js where perl is missing.
#
# Request (one line, fields separated by TAB, each field escaped: \\ \t \n):
#   id dir stdoutFile stderrFile logCap cwd envCount [key value]... command [arg]...
# Replies:
#   s id pid                       the task runs, as the leader of its own process group
#   e id exitCode signal truncated exit code (-1 if killed), signal number (0 if none), 1 if a log was capped
#   x id errno message             the task could not be started
use strict;
use warnings;
use POSIX qw(setsid _exit WNOHANG);
use IO::Select;
use Errno qw(EEXIST ENOENT EINTR);

$| = 1;
$SIG{PIPE} = 'IGNORE';

my $select = IO::Select->new();
my %streams;    # fileno of a task's stdout/stderr pipe => stream record
my %tasks;      # pid => task record
my $input = '';
# Start notices not yet sent: most tasks in a busy DAG exit within milliseconds, and one message
# (start and exit together) wakes the engine once instead of twice. A notice waits for one turn
# of the loop (at most START_NOTICE_DELAY seconds); a timeout or cancel in that window is applied
# when it arrives.
my %unsent_starts;    # pid => "s id pid\n"
use constant START_NOTICE_DELAY => 0.005;

# SIGCHLD wakes the select loop through a self-pipe.
pipe(my $wake_r, my $wake_w) or die "pipe: $!";
$SIG{CHLD} = sub { syswrite($wake_w, 'x') };
$select->add($wake_r);
$select->add(\*STDIN);

sub unescape {
  my ($s) = @_;
  $s =~ s/\\(.)/$1 eq 't' ? "\t" : $1 eq 'n' ? "\n" : $1/ge;
  return $s;
}

sub make_dir {
  my ($dir) = @_;
  return 1 if mkdir($dir) || $! == EEXIST;
  return 0 unless $! == ENOENT;
  my $parent = $dir;
  $parent =~ s{/[^/]+/?$}{};
  return 0 if $parent eq '' || $parent eq $dir || !make_dir($parent);
  return mkdir($dir) || $! == EEXIST;
}

sub start_task {
  my ($id, $dir, $out_file, $err_file, $cap, $cwd, $env_count, @rest) = @_;
  my %env = splice(@rest, 0, 2 * $env_count);
  my @argv = @rest;
  if (!make_dir($dir)) {
    print "x $id " . ($! + 0) . " cannot create $dir: $!\n";
    return;
  }
  pipe(my $out_r, my $out_w) or return print "x $id " . ($! + 0) . " pipe: $!\n";
  pipe(my $err_r, my $err_w) or return print "x $id " . ($! + 0) . " pipe: $!\n";
  # Closed by exec (perl marks descriptors above 2 close-on-exec): data on it means exec failed.
  pipe(my $exec_r, my $exec_w) or return print "x $id " . ($! + 0) . " pipe: $!\n";
  my $pid = fork();
  if (!defined $pid) {
    print "x $id " . ($! + 0) . " fork: $!\n";
    return;
  }
  if ($pid == 0) {
    setsid();
    $SIG{PIPE} = 'DEFAULT';
    $SIG{CHLD} = 'DEFAULT';
    open(STDIN, '<', '/dev/null');
    open(STDOUT, '>&', $out_w);
    open(STDERR, '>&', $err_w);
    if (!chdir($cwd)) {
      syswrite($exec_w, ($! + 0) . " cannot enter $cwd: $!");
      _exit(127);
    }
    $ENV{$_} = $env{$_} for keys %env;
    # No "Can't exec" warning: it goes to the task's stderr pipe, which nobody reads until exec
    # succeeds, and one naming a command longer than the pipe holds (64 KiB) blocked this child
    # for ever, and the helper with it. The errno below says what went wrong.
    { no warnings 'exec'; exec { $argv[0] } @argv; }
    syswrite($exec_w, ($! + 0) . " $!");
    _exit(127);
  }
  close($out_w);
  close($err_w);
  close($exec_w);
  my $failure = '';
  while (1) {
    my $got = sysread($exec_r, my $chunk, 4096);
    last if defined $got && $got == 0;
    if (!defined $got) { next if $! == EINTR; last; }
    $failure .= $chunk;
  }
  close($exec_r);
  if ($failure ne '') {
    waitpid($pid, 0);
    close($out_r);
    close($err_r);
    print "x $id $failure\n";
    return;
  }
  my $task = { id => $id, pid => $pid, open => 2, status => undef, truncated => 0 };
  $tasks{$pid} = $task;
  for my $pair ([$out_r, $out_file], [$err_r, $err_file]) {
    my ($fh, $file) = @$pair;
    $streams{ fileno($fh) } = { fh => $fh, file => $file, cap => $cap, written => 0, dropped => 0, log => undef, task => $task };
    $select->add($fh);
  }
  $unsent_starts{$pid} = "s $id $pid\n";
}

sub send_starts {
  my @pids = @_;
  my $out = '';
  $out .= delete $unsent_starts{$_} // '' for @pids;
  print $out if $out ne '';
}

sub close_stream {
  my ($stream) = @_;
  $select->remove($stream->{fh});
  delete $streams{ fileno($stream->{fh}) };
  close($stream->{fh});
  if ($stream->{dropped} > 0) {
    open($stream->{log}, '>>', $stream->{file}) unless $stream->{log};
    syswrite($stream->{log}, "\n[tandem: log capped at $stream->{cap} bytes; $stream->{dropped} more bytes dropped]\n") if $stream->{log};
    $stream->{task}{truncated} = 1;
  }
  close($stream->{log}) if $stream->{log};
  my $task = $stream->{task};
  $task->{open} -= 1;
  finish($task);
}

sub read_stream {
  my ($stream) = @_;
  my $got = sysread($stream->{fh}, my $chunk, 65536);
  return if !defined $got && $! == EINTR;
  if (!$got) {
    close_stream($stream);
    return;
  }
  my $room = $stream->{cap} - $stream->{written};
  if ($room <= 0) {
    $stream->{dropped} += $got;
    return;
  }
  my $keep = $got > $room ? $room : $got;
  open($stream->{log}, '>>', $stream->{file}) unless $stream->{log};
  syswrite($stream->{log}, $chunk, $keep) if $stream->{log};
  $stream->{written} += $keep;
  $stream->{dropped} += $got - $keep;
}

sub finish {
  my ($task) = @_;
  return unless defined $task->{status} && $task->{open} == 0;
  delete $tasks{ $task->{pid} };
  my $status = $task->{status};
  my $signal = $status & 127;
  my $code = $signal ? -1 : $status >> 8;
  my $start = delete $unsent_starts{ $task->{pid} } // '';
  print "${start}e $task->{id} $code $signal $task->{truncated}\n";
}

sub reap {
  while ((my $pid = waitpid(-1, WNOHANG)) > 0) {
    my $task = $tasks{$pid} or next;
    $task->{status} = $?;
    $task->{exited_at} = time;
    # The leader has exited: whatever it left running in its group goes too, as when a pod's
    # container ends. That also closes pipes such processes held open.
    kill('KILL', -$pid);
    finish($task);
  }
}

while (1) {
  # While an exited task's pipes are still open (a process that left the group holds them),
  # wake up to stop waiting for them after a moment.
  my $lingering = grep { defined $_->{status} } values %tasks;
  my @waiting_starts = keys %unsent_starts;
  my $wait = @waiting_starts ? START_NOTICE_DELAY : $lingering ? 0.2 : undef;
  my @ready = $select->can_read($wait);
  for my $fh (@ready) {
    if ($fh == $wake_r) {
      sysread($wake_r, my $ignored, 4096);
      reap();
    } elsif ($fh == \*STDIN) {
      my $got = sysread(STDIN, my $chunk, 65536);
      next if !defined $got && $! == EINTR;
      # The engine is gone: nobody will read replies. Tasks keep running in their own groups,
      # and `tandem resume` finds and stops them.
      exit(0) if !$got;
      $input .= $chunk;
      while ($input =~ s/^([^\n]*)\n//) {
        my @fields = map { unescape($_) } split(/\t/, $1, -1);
        start_task(@fields);
      }
    } elsif (my $stream = $streams{ fileno($fh) }) {
      read_stream($stream);
    }
  }
  reap();
  send_starts(@waiting_starts);
  if ($lingering) {
    for my $task (values %tasks) {
      next unless defined $task->{status} && time - $task->{exited_at} >= 1;
      close_stream($_) for grep { $_->{task} == $task } values %streams;
    }
  }
}
