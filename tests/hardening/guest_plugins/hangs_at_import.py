import time

time.sleep(3600)  # blocked in C
